package io.notiflow.inapp.rest;

import io.notiflow.inapp.config.GatewaySettings;
import io.notiflow.inapp.service.InboxService;
import io.quarkus.security.Authenticated;
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
import java.util.regex.Pattern;

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

    /**
     * Newest first; {@code page} from 0, {@code size} up to inapp.max-page-size; with the unread count. A parameter
     * that is not a whole number in range (NUL and other characters included) is a 400 naming it.
     */
    @GET
    public InboxService.Page list(@QueryParam("page") String page, @QueryParam("size") String size) {
        int pageNumber = number("page", page, 0, 0, Integer.MAX_VALUE / settings.maxPageSize());
        int pageSize = number("size", size, settings.defaultPageSize(), 1, settings.maxPageSize());
        return inbox.page(user(), pageNumber, pageSize);
    }

    @POST
    @Path("/{id}/read")
    public Map<String, Object> read(@PathParam("id") String id) {
        UUID uuid = notificationId(id);
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

    /** Up to 10 digits, which always fit a long: longer is out of range whatever it says, and is never parsed. */
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[0-9]{1,10}");
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private static int number(String name, String raw, int fallback, int min, int max) {
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        if (WHOLE_NUMBER.matcher(raw).matches()) {
            long value = Long.parseLong(raw);
            if (value >= min && value <= max) {
                return (int) value;
            }
        }
        throw new BadParameterException(name, "must be a whole number from " + min + " to " + max);
    }

    private static UUID notificationId(String raw) {
        if (!UUID_TEXT.matcher(raw).matches()) {
            throw new BadParameterException("id", "must be a notification id (a UUID)");
        }
        return UUID.fromString(raw);
    }
}
