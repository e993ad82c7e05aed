package io.notiflow.api.rest;

import io.notiflow.api.service.Accepted;
import io.notiflow.api.service.NotificationService;
import io.notiflow.api.service.NotifyValidator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

import java.util.Map;

@Path("/api/notify")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class NotifyResource {

    private final RequestJson json;
    private final NotifyValidator validator;
    private final NotificationService service;

    public NotifyResource(RequestJson json, NotifyValidator validator, NotificationService service) {
        this.json = json;
        this.validator = validator;
        this.service = service;
    }

    @POST
    @Operation(summary = "Accept a notification; 202 once it is stored durably and will be delivered")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = NotifyRequest.class)))
    public Response notify(String body, @HeaderParam("Idempotency-Key") String idempotencyKey,
                           @Context ContainerRequestContext requestContext) {
        NotifyRequest request = json.read(body, NotifyRequest.class);
        Accepted accepted = service.accept(validator.validate(request, idempotencyKey), CorrelationFilter.current(requestContext));
        return Response.accepted(Map.of("status", accepted.status(), "messageId", accepted.messageId().toString()))
                .build();
    }
}
