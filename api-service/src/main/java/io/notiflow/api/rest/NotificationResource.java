package io.notiflow.api.rest;

import io.notiflow.api.config.ApiSettings;
import io.notiflow.api.service.InvalidRequestException;
import io.notiflow.api.service.NotificationService;
import io.notiflow.core.job.Channel;
import io.notiflow.core.status.NotificationStatus;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

@Path("/api/notifications")
@Produces(MediaType.APPLICATION_JSON)
public class NotificationResource {

    private final NotificationService service;
    private final ApiSettings settings;

    public NotificationResource(NotificationService service, ApiSettings settings) {
        this.service = service;
        this.settings = settings;
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A notification's status, retries, last error and every delivery attempt")
    public NotificationView get(@PathParam("id") String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw InvalidRequestException.of("id", "'" + id + "' is not a UUID");
        }
        return service.find(uuid)
                .map(d -> NotificationView.of(d.notification(), d.attempts()))
                .orElseThrow(() -> new NotFoundException("no notification with id " + uuid));
    }

    @GET
    @Operation(summary = "Notifications, newest first, optionally filtered by status and type")
    public List<NotificationView> list(@QueryParam("status") String status, @QueryParam("type") String type,
                                       @QueryParam("limit") String limit) {
        Map<String, String> errors = new LinkedHashMap<>();
        NotificationStatus statusFilter = null;
        if (status != null && !status.isEmpty()) {
            statusFilter = NotificationStatus.fromKey(status).orElse(null);
            if (statusFilter == null) {
                errors.put("status", "'" + status + "' is not one of " + NotificationStatus.keys());
            }
        }
        Channel typeFilter = null;
        if (type != null && !type.isEmpty()) {
            typeFilter = Channel.fromKey(type).orElse(null);
            if (typeFilter == null) {
                errors.put("type", "'" + type + "' is not one of " + Channel.keys());
            }
        }
        int pageSize = settings.defaultListLimit();
        if (limit != null && !limit.isEmpty()) {
            try {
                pageSize = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                pageSize = -1;
            }
            if (pageSize < 1 || pageSize > settings.maxListLimit()) {
                errors.put("limit", "must be a whole number from 1 to " + settings.maxListLimit());
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return service.list(statusFilter, typeFilter, pageSize).stream()
                .map(n -> NotificationView.of(n, null))
                .toList();
    }
}
