package io.notiflow.api.rest;

import io.notiflow.api.service.TokenService;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.time.Instant;

@Path("/api/tokens")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class TokenResource {

    private final TokenService tokens;

    public TokenResource(TokenService tokens) {
        this.tokens = tokens;
    }

    @POST
    @Operation(summary = "Mint a short-lived JWT for one user, for the in-app WebSocket and inbox on inapp-gateway")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = TokenRequest.class)))
    public TokenView mint(@Valid @NotNull(message = Problems.BODY_REQUIRED) TokenRequest body) {
        TokenService.IssuedToken issued = tokens.mint(body.userId(), body.rooms());
        return new TokenView(issued.token(), issued.expiresAt());
    }

    /** The answer of POST /api/tokens: the JWT and when it expires. */
    public record TokenView(String token, Instant expiresAt) {
    }

    @ServerExceptionMapper
    public Response notConfigured(TokenService.TokensNotConfiguredException e) {
        return Problems.of(503, e.getMessage());
    }
}
