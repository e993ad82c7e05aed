package io.notiflow.api.rest;

import io.notiflow.api.config.ApiSettings;
import io.notiflow.api.service.InvalidRequestException;
import io.notiflow.api.service.SuppressionService;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The suppression list: addresses never sent to again. A notification to one is accepted and ends {@code skipped}
 * with the suppression as its reason, when a worker claims it.
 */
@Path("/api/suppressions")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class SuppressionResource {

    private final SuppressionService service;
    private final ApiSettings settings;

    public SuppressionResource(SuppressionService service, ApiSettings settings) {
        this.service = service;
        this.settings = settings;
    }

    @POST
    @Operation(summary = "Suppress an address of a channel (email, sms, push): nothing is sent to it until it is"
            + " removed")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = SuppressionRequest.class)))
    @APIResponse(responseCode = "201", description = "Suppressed; Location names the entry",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = SuppressionView.class)))
    @APIResponse(responseCode = "409", description = "The address is suppressed already")
    public Response add(@Valid @NotNull(message = Problems.BODY_REQUIRED) SuppressionRequest body) {
        SuppressionView added = SuppressionView.of(service.add(body.channel(), body.address(), body.reason()));
        return Response.created(UriBuilder.fromPath("/api/suppressions/{channel}/{address}")
                .build(added.channel(), added.address())).entity(added).build();
    }

    @GET
    @Operation(summary = "Suppressed addresses, newest first, optionally of one channel, or one address of a channel")
    public List<SuppressionView> list(@QueryParam("channel") String channel, @QueryParam("address") String address,
                                      @QueryParam("limit") String limit) {
        Map<String, String> errors = new LinkedHashMap<>();
        int pageSize = ListLimit.read(limit, settings, errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return service.list(blankIsNone(channel), blankIsNone(address), pageSize).stream()
                .map(SuppressionView::of).toList();
    }

    @DELETE
    @Path("/{channel}/{address}")
    @Operation(summary = "Lift a suppression: later notifications to the address are sent again")
    @APIResponse(responseCode = "204", description = "Lifted")
    @APIResponse(responseCode = "404", description = "The address is not suppressed")
    public Response remove(@PathParam("channel") String channel, @PathParam("address") String address) {
        service.remove(channel, address);
        return Response.noContent().build();
    }

    private static String blankIsNone(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
