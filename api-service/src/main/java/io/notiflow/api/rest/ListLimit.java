package io.notiflow.api.rest;

import io.notiflow.api.config.ApiSettings;

import java.util.Map;

/** The {@code limit} query parameter of a list endpoint: 1 to {@code api.max-list-limit}, its default when left out. */
final class ListLimit {

    private ListLimit() {
    }

    /** The page size {@code limit} asks for, or the default; -1 after naming the problem in {@code errors}. */
    static int read(String limit, ApiSettings settings, Map<String, String> errors) {
        if (limit == null || limit.isEmpty()) {
            return settings.defaultListLimit();
        }
        int pageSize;
        try {
            pageSize = Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            pageSize = -1;
        }
        if (pageSize < 1 || pageSize > settings.maxListLimit()) {
            errors.put("limit", "must be a whole number from 1 to " + settings.maxListLimit());
            return -1;
        }
        return pageSize;
    }
}
