package io.notiflow.inapp.rest;

import io.notiflow.inapp.config.GatewaySettings;
import io.notiflow.inapp.service.InboxService;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Map;
import java.util.UUID;

/** The signed-in user's inbox (the user is the JWT's subject; there is no way to name another one). */
@Path("/api/inbox")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class InboxResource {

    private final InboxService inbox;
    private final GatewaySettings settings;
    private final JsonWebToken jwt;

    public InboxResource(InboxService inbox, GatewaySettings settings, JsonWebToken jwt) {
        this.inbox = inbox;
        this.settings = settings;
        this.jwt = jwt;
    }

    /** Newest first; {@code page} from 0, {@code size} up to inapp.max-page-size; with the unread count. */
    @GET
    public InboxService.Page list(@QueryParam("page") String page, @QueryParam("size") String size) {
        int pageNumber = number("page", page, 0, 0, Integer.MAX_VALUE / settings.maxPageSize());
        int pageSize = number("size", size, settings.defaultPageSize(), 1, settings.maxPageSize());
        return inbox.page(user(), pageNumber, pageSize);
    }

    @POST
    @Path("/{id}/read")
    public Map<String, Object> read(@PathParam("id") String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new NotFoundException();
        }
        if (!inbox.read(user(), uuid)) {
            // Another user's notification is indistinguishable from a missing one.
            throw new NotFoundException();
        }
        return Map.of("id", uuid, "status", "read");
    }

    @POST
    @Path("/read-all")
    public Map<String, Object> readAll() {
        return Map.of("marked", inbox.readAll(user()));
    }

    private String user() {
        return jwt.getSubject();
    }

    private static int number(String name, String raw, int fallback, int min, int max) {
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadRequestException(name + " must be a whole number from " + min + " to " + max);
    }
}
