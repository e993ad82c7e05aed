package io.notiflow.core.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Ready while PostgreSQL answers a query on a connection from the pool, taken the way a request takes one. This
 * replaces Quarkus' datasource check ({@code quarkus.datasource.health.enabled=false}), which validated an idle
 * pooled connection of its own choosing: after a database restart every pooled connection is dead, and it reported
 * DOWN once per dead connection it picked, flapping readiness for a database that was back. The pool checks a
 * connection idle for over a second before handing it out and drops a dead one, so this check meets a dead
 * connection only when one broke within the last second; it then asks once more, on another connection, before it
 * reports DOWN. A database that is really gone fails at once: no connection can be had.
 */
@Readiness
@ApplicationScoped
public class DatabaseHealthCheck implements HealthCheck {

    static final String NAME = "database";
    private static final int QUERY_TIMEOUT_SECONDS = 5;

    private final DataSource database;

    public DatabaseHealthCheck(DataSource database) {
        this.database = database;
    }

    @Override
    public HealthCheckResponse call() {
        try {
            // A second try only when the pool handed out a connection that had broken (and has dropped it now).
            if (answers() || answers()) {
                return HealthCheckResponse.named(NAME).up().build();
            }
            return HealthCheckResponse.named(NAME).down()
                    .withData("error", "two pooled connections in a row had broken").build();
        } catch (SQLException e) {
            return HealthCheckResponse.named(NAME).down()
                    .withData("error", e.getMessage() == null ? e.toString() : e.getMessage())
                    .withData("sqlState", String.valueOf(e.getSQLState()))
                    .build();
        }
    }

    /**
     * True when {@code select 1} answered; false when the pool handed out a connection that had broken; throws when
     * no connection can be had, or the query failed on a connection that is still sound.
     */
    private boolean answers() throws SQLException {
        try (Connection c = database.getConnection(); Statement query = c.createStatement()) {
            query.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            try {
                query.execute("select 1");
                return true;
            } catch (SQLException e) {
                if (c.isClosed() || !c.isValid(QUERY_TIMEOUT_SECONDS)) {
                    return false;
                }
                throw e;
            }
        }
    }
}
