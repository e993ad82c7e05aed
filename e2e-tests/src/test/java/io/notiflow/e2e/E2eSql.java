package io.notiflow.e2e;

import io.notiflow.core.testing.LocalServices;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The ITs' operator view of the database: a query straight to the local PostgreSQL, every column as text. */
final class E2eSql {

    private E2eSql() {
    }

    /** Runs {@code query} against {@code database} (directly, never through a test proxy), every column as text. */
    static List<List<String>> rows(String database, String query) throws SQLException {
        try (Connection connection = DriverManager.getConnection(LocalServices.jdbcUrl(database),
                LocalServices.PG_USER, "postgres");
             PreparedStatement statement = connection.prepareStatement(query);
             ResultSet rows = statement.executeQuery()) {
            int columns = rows.getMetaData().getColumnCount();
            List<List<String>> result = new ArrayList<>();
            while (rows.next()) {
                List<String> row = new ArrayList<>();
                for (int c = 1; c <= columns; c++) {
                    row.add(rows.getString(c));
                }
                result.add(row);
            }
            return result;
        }
    }
}
