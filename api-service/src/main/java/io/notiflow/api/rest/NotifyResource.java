package io.notiflow.api.rest;

import io.notiflow.api.service.Accepted;
import io.notiflow.api.service.IdempotencyKeys;
import io.notiflow.api.service.InvalidRequestException;
import io.notiflow.api.service.NotificationService;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
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
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.util.Set;

@Path("/api/notify")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class NotifyResource {

    private final NotificationService service;
    private final Validator validator;

    public NotifyResource(NotificationService service, Validator validator) {
        this.service = service;
        this.validator = validator;
    }

    @POST
    @Operation(summary = "Accept a notification; 202 once it is stored durably and will be delivered",
            description = "One recipient answers {\"status\":\"queued\",\"messageId\":\"<uuid>\"} (status"
                    + " \"skipped\" plus a reason when the user's preferences or addresses rule the channel out)."
                    + " Several (user_ids, or to as a list) answer {\"status\":\"queued\",\"notifications\":"
                    + "[{\"messageId\":..,\"status\":..,\"userId\"|\"to\":..,\"reason\":..}]}.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = NotifyRequest.class)))
    @APIResponse(responseCode = "202", description = "Stored durably; it will be delivered",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT,
                    requiredProperties = "status")))
    @APIResponse(responseCode = "422", description = "The Idempotency-Key (request_id) was used with another"
            + " payload, or a template renders beyond its limits")
    public Response notify(NotifyRequest body,
                           @HeaderParam(IdempotencyKeys.HEADER) String idempotencyKey,
                           @HeaderParam(ApiKeyFilter.HEADER) String apiKey,
                           @Context ContainerRequestContext requestContext) {
        Accepted accepted = service.accept(valid(body), idempotencyKey, apiKey,
                CorrelationFilter.current(requestContext));
        return Response.accepted(accepted.answer()).build();
    }

    /**
     * The body's constraints, checked here rather than with {@code @Valid} on the parameter, which is the same check
     * (same violations, same answer) run through the method-validation interceptor: on the hottest path that
     * interceptor, with its parameter and return-value passes, cost as much again as the constraints themselves.
     */
    private NotifyRequest valid(NotifyRequest body) {
        if (body == null) {
            throw InvalidRequestException.of("body", Problems.BODY_REQUIRED);
        }
        Set<ConstraintViolation<NotifyRequest>> violations = validator.validate(body);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        return body;
    }
}
