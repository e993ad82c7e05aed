package io.notiflow.core.store;

import io.notiflow.core.testing.LocalServices;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collections;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A long-lived connection caches a statement's plan from its first runs. On the real PostgreSQL: a lookup by key
 * planned while its table held one row is a sequential scan, and stays one after the table has grown, unless the
 * transactions it runs in keep to the indexes ({@link IndexPlans}), as every group commit's does.
 */
class GroupCommitPlanTest {

    private static final String DATABASE = "notiflow_core_plans";
    private static final String LOOKUP = "select v from items where id = ?";

    @BeforeAll
    static void database() {
        LocalServices.recreateDatabase(DATABASE);
    }

    @Test
    void aLookupPlannedOnATinyTableStaysOnTheIndexOnceTheTableHasGrown() throws SQLException {
        UUID first = createTable("items");
        try (Connection one = connect()) {
            GroupCommit<UUID, Long> lookups = new GroupCommit<>("plan-test", sameConnection(one), 1, 10, 10,
                    Duration.ZERO, (c, ids) -> {
                        for (UUID id : ids) {
                            lookup(c, id);
                        }
                        return Collections.nCopies(ids.size(), seqScansSoFar(c, "items"));
                    });
            try {
                for (int i = 0; i < 20; i++) { // past the driver's and the server's thresholds for a cached plan
                    lookups.submit(first);
                }
                grow("items");
                assertThat(lookups.submit(first)).as("sequential scans of the grown table").isZero();
            } finally {
                lookups.stop();
            }
        }
    }

    /** The same steps on a plain connection: the cached plan reads the whole table (what the fix is for). */
    @Test
    void withoutItTheCachedPlanScansTheWholeGrownTable() throws SQLException {
        UUID first = createTable("items_plain");
        String lookup = LOOKUP.replace("items", "items_plain");
        try (Connection c = connect()) {
            for (int i = 0; i < 20; i++) {
                try (PreparedStatement s = c.prepareStatement(lookup)) {
                    s.setObject(1, first);
                    s.executeQuery().close();
                }
            }
            grow("items_plain");
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(lookup)) {
                s.setObject(1, first);
                s.executeQuery().close();
            }
            assertThat(seqScansSoFar(c, "items_plain")).as("sequential scans of the grown table").isPositive();
            c.rollback();
        }
    }

    private static void lookup(Connection c, UUID id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(LOOKUP)) {
            s.setObject(1, id);
            try (ResultSet row = s.executeQuery()) {
                assertThat(row.next()).isTrue();
            }
        }
    }

    /** Sequential scans of the table in the current transaction. */
    private static long seqScansSoFar(Connection c, String table) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "select seq_scan from pg_stat_xact_user_tables where relname = ?")) {
            s.setString(1, table);
            try (ResultSet row = s.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** A table with one row, analysed as such; returns the row's key. */
    private static UUID createTable(String table) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("drop table if exists " + table);
            s.execute("create table " + table + " (id uuid primary key, v int not null)");
            s.execute("insert into " + table + " values ('" + id + "', 1)");
            s.execute("analyze " + table);
        }
        return id;
    }

    /** 50,000 more rows, statistics left as they were (as with autovacuum off, or not round yet). */
    private static void grow(String table) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("insert into " + table + " select gen_random_uuid(), n from generate_series(1, 50000) n");
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(LocalServices.jdbcUrl(DATABASE), LocalServices.PG_USER, "postgres");
    }

    /** A data source that always hands out this one connection (closing it is left to the test). */
    private static DataSource sameConnection(Connection connection) {
        Connection unclosable = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[]{Connection.class}, (proxy, method, args) -> method.getName().equals("close") ? null
                        : invoke(method, connection, args));
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[]{DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        return unclosable;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
