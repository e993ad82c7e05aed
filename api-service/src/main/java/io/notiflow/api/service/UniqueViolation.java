package io.notiflow.api.service;

import java.sql.SQLException;

/** Recognises a unique-key violation (SQLSTATE 23505) under whatever the persistence layer wrapped it in. */
final class UniqueViolation {
    private UniqueViolation() {
    }

    static boolean causes(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
