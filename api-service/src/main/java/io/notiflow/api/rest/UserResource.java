package io.notiflow.api.rest;

import io.notiflow.api.service.UserService;
import io.notiflow.api.service.UserValidator;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
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

@Path("/api/users")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class UserResource {

    /** Body of POST /api/users/{id}/push_tokens. */
    public record PushTokenRequest(
            @Storable @NotBlank(message = "is required: the device registration token") @DeviceToken String token)
            implements ApiRequest {
    }

    /** {@code device_tokens.token varchar(4096)}. */
    private static final int MAX_STORED_TOKEN = 4096;

    private final UserValidator validator;
    private final UserService service;

    public UserResource(UserValidator validator, UserService service) {
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
    public Response create(@Valid @NotNull(message = Problems.BODY_REQUIRED) UserRequest body) {
        UserView created = view(service.create(validator.validate(body, null)));
        return Response.created(UriBuilder.fromPath("/api/users/{id}").build(created.id())).entity(created).build();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A user, with the device tokens the push worker found dead")
    public UserView get(@PathParam("id") @Identifier String id) {
        return view(service.get(id));
    }

    @PUT
    @Path("/{id}")
    @Operation(summary = "Replace a user's addresses, tokens, locale and preferences")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = UserRequest.class)))
    public UserView replace(@PathParam("id") @Identifier String id,
                            @Valid @NotNull(message = Problems.BODY_REQUIRED) UserRequest body) {
        return view(service.replace(validator.validate(body, id)));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a user and their device tokens (their notifications stay)")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Response delete(@PathParam("id") @Identifier String id) {
        service.delete(id);
        return Response.noContent().build();
    }

    @POST
    @Path("/{id}/push_tokens")
    @Operation(summary = "Add a device token to a user")
    public UserView addToken(@PathParam("id") @Identifier String id,
                             @Valid @NotNull(message = Problems.BODY_REQUIRED) PushTokenRequest body) {
        return view(service.addToken(id, body.token()));
    }

    @DELETE
    @Path("/{id}/push_tokens/{token}")
    @Operation(summary = "Remove a device token from a user")
    @APIResponse(responseCode = "204", description = "Removed")
    public Response removeToken(@PathParam("id") @Identifier String id,
                                // Any stored token can be removed, also one today's rule would refuse; none is
                                // longer than the column.
                                @PathParam("token") @Size(max = MAX_STORED_TOKEN, message = "is longer than "
                                        + MAX_STORED_TOKEN + " characters") String token) {
        service.removeToken(id, token);
        return Response.noContent().build();
    }

    private static UserView view(UserService.Found found) {
        return UserView.of(found.user(), found.deadTokens());
    }
}
