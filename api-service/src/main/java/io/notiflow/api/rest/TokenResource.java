package io.notiflow.api.rest;

import io.notiflow.api.service.TokenService;
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

import java.util.Map;

@Path("/api/tokens")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class TokenResource {

    private final RequestJson json;
    private final TokenService tokens;

    public TokenResource(RequestJson json, TokenService tokens) {
        this.json = json;
        this.tokens = tokens;
    }

    @POST
    @Operation(summary = "Mint a short-lived JWT for one user, for the in-app WebSocket and inbox on inapp-gateway")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = TokenRequest.class)))
    public Map<String, String> mint(String body) {
        TokenRequest request = json.read(body, TokenRequest.class);
        TokenService.IssuedToken issued = tokens.mint(request.userId(), request.rooms());
        return Map.of("token", issued.token(), "expiresAt", issued.expiresAt().toString());
    }

    @ServerExceptionMapper
    public Response notConfigured(TokenService.TokensNotConfiguredException e) {
        return Problems.of(503, e.getMessage());
    }
}
