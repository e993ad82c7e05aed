package io.notiflow.core.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Keeps the hot statements on their indexes whatever the planner's statistics say. They find their rows by primary
 * key (claims, verdicts, marks, the outbox stamp) or walk an index already in the order wanted (the outbox batch), so
 * an index is always the right plan. The planner does not always know it: a long-lived connection caches a
 * statement's generic plan (and the plan of the foreign-key check an insert makes) the first few times it runs, and
 * on a table that was nearly empty then (a fresh database; statistics that predate a burst, as with autovacuum off)
 * that plan is a sequential scan, kept for the connection's life. On a fresh machine the workers' verdicts read
 * every row of {@code notifications} that way, 25 ms each, and one email-worker sent about 100 a second.
 */
public final class IndexPlans {

    private IndexPlans() {
    }

    /**
     * For the rest of the current transaction (the connection must not be in autocommit), no sequential scan and no
     * sort where an index can do: plans made now, cached ones included, use the indexes.
     */
    public static void only(Connection c) throws SQLException {
        // A prepared statement, which the driver parses once per connection and keeps: two SET LOCALs sent as one
        // plain statement were parsed again for every transaction (6 % of the in-app gateway's CPU at 1,000/s).
        try (PreparedStatement set = c.prepareStatement(
                "select set_config('enable_seqscan', 'off', true), set_config('enable_sort', 'off', true)")) {
            set.executeQuery().close();
        }
    }
}
