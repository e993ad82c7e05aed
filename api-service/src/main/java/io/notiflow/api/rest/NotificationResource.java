package io.notiflow.api.rest;

import io.notiflow.api.config.ApiSettings;
import io.notiflow.api.service.FieldRules;
import io.notiflow.api.service.InvalidRequestException;
import io.notiflow.core.store.NotificationFilter;
import io.notiflow.api.service.NotificationService;
import io.notiflow.core.job.Channel;
import io.notiflow.core.store.NotificationStatus;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

@Path("/api/notifications")
@Produces(MediaType.APPLICATION_JSON)
public class NotificationResource {

    /** {@code notifications.user_id varchar(128)}. */
    private static final int MAX_USER_ID = 128;
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private final NotificationService service;
    private final ApiSettings settings;

    public NotificationResource(NotificationService service, ApiSettings settings) {
        this.service = service;
        this.settings = settings;
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A notification's status, retries, last error, every delivery attempt, its timeline (events,"
            + " oldest first) and the reason it stands where it does")
    public NotificationView get(@PathParam("id") String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw InvalidRequestException.of("id", "'" + FieldRules.printable(id) + "' is not a UUID");
        }
        return service.find(uuid)
                .map(d -> NotificationView.of(d.notification(), d.attempts(), d.timeline()))
                .orElseThrow(() -> new NotFoundException("no notification with id " + uuid));
    }

    @GET
    @Operation(summary = "Notifications, newest first, optionally filtered by status, type, receiver, user_id and"
            + " creation time (since inclusive, until exclusive; ISO-8601 instants such as 2030-01-01T00:00:00Z)")
    public List<NotificationView> list(@QueryParam("status") String status, @QueryParam("type") String type,
                                       @QueryParam("receiver") String receiver, @QueryParam("user_id") String userId,
                                       @QueryParam("since") String since, @QueryParam("until") String until,
                                       @QueryParam("limit") String limit) {
        Map<String, String> errors = new LinkedHashMap<>();
        NotificationStatus statusFilter = null;
        if (present(status)) {
            statusFilter = NotificationStatus.fromKey(status).orElse(null);
            if (statusFilter == null) {
                errors.put("status", "'" + status + "' is not one of " + NotificationStatus.keys());
            }
        }
        Channel typeFilter = null;
        if (present(type)) {
            typeFilter = Channel.fromKey(type).orElse(null);
            if (typeFilter == null) {
                errors.put("type", "'" + type + "' is not one of " + Channel.keys());
            }
        }
        String receiverFilter = text("receiver", receiver, FieldRules.MAX_RECEIVER, errors);
        String userFilter = text("user_id", userId, MAX_USER_ID, errors);
        OffsetDateTime from = instant("since", since, errors);
        OffsetDateTime to = instant("until", until, errors);
        if (from != null && to != null && !from.isBefore(to)) {
            errors.put("until", "must be after since");
        }
        int pageSize = ListLimit.read(limit, settings, errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        NotificationFilter filter = new NotificationFilter(statusFilter, typeFilter, receiverFilter, userFilter, from,
                to);
        return service.list(filter, pageSize).stream()
                .map(n -> NotificationView.of(n, null, null))
                .toList();
    }

    /** Left out or empty means "no filter"; anything else must be valid (a blank value is a 400). */
    private static boolean present(String value) {
        return value != null && !value.isEmpty();
    }

    /** A text filter no longer than the column it is compared with. */
    private static String text(String name, String value, int max, Map<String, String> errors) {
        if (!present(value)) {
            return null;
        }
        if (value.isBlank()) {
            errors.put(name, "must not be blank");
            return null;
        }
        if (value.trim().length() > max) {
            errors.put(name, "is longer than " + max + " characters (no stored value is)");
            return null;
        }
        return value.trim();
    }

    private static OffsetDateTime instant(String name, String value, Map<String, String> errors) {
        if (!present(value)) {
            return null;
        }
        OffsetDateTime parsed;
        try {
            parsed = OffsetDateTime.parse(value.trim());
        } catch (DateTimeParseException e) {
            errors.put(name, "'" + FieldRules.printable(value) + "' is not an ISO-8601 date-time with an offset,"
                    + " e.g. 2030-01-01T00:00:00Z");
            return null;
        }
        // Java reads years up to 999999999; PostgreSQL's timestamptz stops at 294276, so the range is the calendar's.
        Instant instant = parsed.toInstant();
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            errors.put(name, "must be from " + EARLIEST + " to " + LATEST);
            return null;
        }
        return parsed;
    }
}
