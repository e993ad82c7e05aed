package io.notiflow.inapp;

import io.notiflow.core.testing.LocalServices;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** V10 types the in-app rows that api-service wrote before targets had a kind, the way they were delivered. */
class InappTargetsMigrationTest {

    private static final String DATABASE = "notiflow_test_inapp_migration";

    @Test
    void existingRowsGetTheKindTheyWereDeliveredAs() throws SQLException {
        LocalServices.recreateDatabase(DATABASE);
        String url = LocalServices.jdbcUrl(DATABASE);
        flyway(url, "9").migrate();
        UUID user = UUID.randomUUID();
        UUID room = UUID.randomUUID();
        UUID broadcast = UUID.randomUUID();
        UUID profileNamedLikeARoom = UUID.randomUUID();
        UUID email = UUID.randomUUID();
        try (Connection c = DriverManager.getConnection(url, LocalServices.PG_USER, "postgres")) {
            // As api-service wrote them: "to", "room": "team-7", "broadcast": true, a user profile "room:ops".
            insert(c, user, "inapp", "u-42", null);
            insert(c, room, "inapp", "room:team-7", null);
            insert(c, broadcast, "inapp", "broadcast", null);
            insert(c, profileNamedLikeARoom, "inapp", "room:ops", "room:ops");
            insert(c, email, "email", "ada@example.com", null);
        }

        flyway(url, "latest").migrate();

        try (Connection c = DriverManager.getConnection(url, LocalServices.PG_USER, "postgres")) {
            assertThat(target(c, user)).isEqualTo("user u-42");
            assertThat(target(c, room)).isEqualTo("room team-7");
            assertThat(target(c, broadcast)).isEqualTo("everyone *");
            assertThat(target(c, profileNamedLikeARoom)).isEqualTo("user room:ops");
            assertThat(target(c, email)).isEqualTo("null ada@example.com");
            // From now on every in-app row says what it targets, and only in-app rows do.
            assertThatThrownBy(() -> insert(c, UUID.randomUUID(), "inapp", "u-1", null))
                    .isInstanceOf(SQLException.class).hasMessageContaining("notifications_inapp_target");
            try (Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.executeUpdate("update notifications set target_kind = 'user'"
                        + " where id = '" + email + "'")).isInstanceOf(SQLException.class);
            }
        }
    }

    private static Flyway flyway(String url, String target) {
        return Flyway.configure().dataSource(url, LocalServices.PG_USER, "postgres")
                .locations("classpath:db/migration").target(target).load();
    }

    private static void insert(Connection c, UUID id, String type, String receiver, String userId)
            throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("insert into notifications (id, type, receiver, message,"
                + " status, user_id, correlation_id) values (?, ?, ?, 'm', 'queued', ?, 'c')")) {
            insert.setObject(1, id);
            insert.setString(2, type);
            insert.setString(3, receiver);
            insert.setString(4, userId);
            insert.executeUpdate();
        }
    }

    private static String target(Connection c, UUID id) throws SQLException {
        try (PreparedStatement query = c.prepareStatement(
                "select target_kind, receiver from notifications where id = ?")) {
            query.setObject(1, id);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getString(1) + " " + row.getString(2);
            }
        }
    }
}
