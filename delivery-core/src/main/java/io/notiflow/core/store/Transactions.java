package io.notiflow.core.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The store's plain JDBC transactions: autocommit off, planned on the indexes ({@link IndexPlans}), committed when
 * the work returns, rolled back when it throws, and the connection handed back in autocommit.
 */
final class Transactions {

    private Transactions() {
    }

    /** Work inside one transaction on {@code c}. */
    interface Work<R> {
        R run(Connection c) throws SQLException;
    }

    static <R> R inTransaction(Connection c, Work<R> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            IndexPlans.only(c); // the store's statements find their rows by key or walk an index in order
            R result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            GroupCommit.rollbackQuietly(c);
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }
}
