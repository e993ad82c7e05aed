package io.notiflow.api.rest;

import io.notiflow.api.service.FieldRules;
import io.notiflow.api.service.InvalidRequestException;
import io.notiflow.api.service.UserService;
import io.notiflow.api.service.UserValidator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.util.LinkedHashMap;
import java.util.Map;

@Path("/api/users")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class UserResource {

    /** Body of POST /api/users/{id}/push_tokens. */
    public record PushTokenRequest(String token) {
    }

    /** {@code device_tokens.token varchar(4096)}. */
    private static final int MAX_STORED_TOKEN = 4096;

    private final RequestJson json;
    private final UserValidator validator;
    private final UserService service;

    public UserResource(RequestJson json, UserValidator validator, UserService service) {
        this.json = json;
        this.validator = validator;
        this.service = service;
    }

    @POST
    @Operation(summary = "Create a user: addresses per channel, device tokens, locale and channel preferences")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = UserRequest.class)))
    @APIResponse(responseCode = "201", description = "Created; Location names it",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UserView.class)))
    @APIResponse(responseCode = "409", description = "A user with this id exists already")
    public Response create(String body) {
        UserView created = view(service.create(validator.validate(json.read(body, UserRequest.class), null)));
        return Response.created(UriBuilder.fromPath("/api/users/{id}").build(created.id())).entity(created).build();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A user, with the device tokens the push worker found dead")
    public UserView get(@PathParam("id") String id) {
        return view(service.get(checkedId(id)));
    }

    @PUT
    @Path("/{id}")
    @Operation(summary = "Replace a user's addresses, tokens, locale and preferences")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = UserRequest.class)))
    public UserView replace(@PathParam("id") String id, String body) {
        return view(service.replace(validator.validate(json.read(body, UserRequest.class), checkedId(id))));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a user and their device tokens (their notifications stay)")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Response delete(@PathParam("id") String id) {
        service.delete(checkedId(id));
        return Response.noContent().build();
    }

    @POST
    @Path("/{id}/push_tokens")
    @Operation(summary = "Add a device token to a user")
    public UserView addToken(@PathParam("id") String id, String body) {
        String token = validator.token(json.read(body, PushTokenRequest.class).token());
        return view(service.addToken(checkedId(id), token));
    }

    @DELETE
    @Path("/{id}/push_tokens/{token}")
    @Operation(summary = "Remove a device token from a user")
    @APIResponse(responseCode = "204", description = "Removed")
    public Response removeToken(@PathParam("id") String id, @PathParam("token") String token) {
        // Any stored token can be removed, also one that today's rule would refuse; none is longer than the column.
        if (token.length() > MAX_STORED_TOKEN) {
            throw InvalidRequestException.of("token", "is longer than " + MAX_STORED_TOKEN + " characters");
        }
        service.removeToken(checkedId(id), token);
        return Response.noContent().build();
    }

    private static String checkedId(String id) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (FieldRules.identifier("id", id, errors) == null) {
            throw new InvalidRequestException(errors);
        }
        return id;
    }

    private static UserView view(UserService.Found found) {
        return UserView.of(found.user(), found.deadTokens());
    }
}
