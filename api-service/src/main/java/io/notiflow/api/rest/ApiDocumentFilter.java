package io.notiflow.api.rest;

import io.notiflow.core.http.Problem;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the annotations of each resource leave to one place (mp.openapi.filter): the two ways in (an API key on
 * /api/*, the in-app user's bearer JWT at inapp-gateway), the problem document every error is, and the errors every
 * operation can answer whatever it does: 401 and 429 (ApiKeyFilter), 503 (database or broker down); with a body
 * also 400, 413 and 415; with parameters 400; on one resource ({id}, {code}) 404. An operation's own answers (202,
 * 201, 204, 409, 422) are on its method.
 */
public class ApiDocumentFilter implements OASFilter {

    static final String API_KEY = "apiKey";
    static final String BEARER = "bearer";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Components components = openAPI.getComponents() == null ? OASFactory.createComponents()
                : openAPI.getComponents();
        openAPI.setComponents(components);
        components.addSecurityScheme(API_KEY, OASFactory.createSecurityScheme().type(SecurityScheme.Type.APIKEY)
                .in(SecurityScheme.In.HEADER).name(ApiKeyFilter.HEADER)
                .description("One of the keys in API_KEYS; every /api/* call needs it"));
        components.addSecurityScheme(BEARER, OASFactory.createSecurityScheme().type(SecurityScheme.Type.HTTP)
                .scheme("bearer").bearerFormat("JWT")
                .description("An in-app user token from POST /api/tokens: inapp-gateway's /ws and /api/inbox take it"));
        // Jackson writes an absent value as null: every property that is not required may be null.
        if (components.getSchemas() != null) {
            components.getSchemas().values().forEach(ApiDocumentFilter::optionalMeansNullable);
        }
        components.addSchema("Problem", problemSchema());
        openAPI.setSecurity(List.of(OASFactory.createSecurityRequirement().addScheme(API_KEY)));

        if (openAPI.getPaths() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (!path.startsWith("/api/")) {
                return;
            }
            if (path.startsWith(ApiKeyFilter.PROVIDERS)) {
                item.getOperations().values().forEach(ApiDocumentFilter::providerCallback);
                return;
            }
            item.getOperations().values().forEach(operation -> addErrors(path, operation));
        });
    }

    /** A provider's signed callback: no API key (the signature is the credential), and its own errors. */
    private static void providerCallback(Operation operation) {
        operation.setSecurity(new ArrayList<>());
        APIResponses responses = operation.getResponses() == null ? OASFactory.createAPIResponses()
                : operation.getResponses();
        operation.setResponses(responses);
        error(responses, "400", "Signed, but without the fields a callback has (or the notification's id)");
        error(responses, "403", "The signature is missing or wrong, or the callbacks are not configured");
        error(responses, "404", "No notification with the id of the callback URL");
        error(responses, "409", "The notification was sent as another provider message");
        error(responses, "413", "The body is larger than API_MAX_BODY_BYTES");
        error(responses, "415", "The body is not application/x-www-form-urlencoded");
        error(responses, "503", "The database is unavailable; the provider may call again");
        responses.getAPIResponses().forEach((code, response) -> {
            if (code.startsWith("4") || code.startsWith("5")) {
                response.setContent(problemContent());
            }
        });
    }

    private static void addErrors(String path, Operation operation) {
        APIResponses responses = operation.getResponses() == null ? OASFactory.createAPIResponses()
                : operation.getResponses();
        operation.setResponses(responses);
        boolean hasParameters = path.contains("{")
                || (operation.getParameters() != null && !operation.getParameters().isEmpty());
        if (operation.getRequestBody() != null) {
            error(responses, "400", "Bad input: fields names each bad field");
            error(responses, "413", "The body is larger than API_MAX_BODY_BYTES");
            error(responses, "415", "The body is not application/json");
        } else if (hasParameters) {
            error(responses, "400", "A bad parameter: fields names it");
        }
        if (path.contains("{id}") || path.contains("{code}")) {
            error(responses, "404", "No such resource");
        }
        error(responses, "401", "No X-API-Key, or not one of API_KEYS");
        error(responses, "429", "Over this API key's rate; Retry-After (and retryAfterSeconds) says when to retry");
        error(responses, "503", "The database or the broker is unavailable; retry after Retry-After");
        // Errors an operation declares itself get the problem document too.
        responses.getAPIResponses().forEach((code, response) -> {
            if (code.startsWith("4") || code.startsWith("5")) {
                response.setContent(problemContent());
            }
        });
    }

    private static void optionalMeansNullable(Schema schema) {
        if (schema.getProperties() == null) {
            return;
        }
        List<String> required = schema.getRequired() == null ? List.of() : schema.getRequired();
        schema.getProperties().forEach((name, property) -> {
            if (!required.contains(name) && property.getRef() == null && property.getType() != null
                    && !property.getType().contains(Schema.SchemaType.NULL)) {
                property.addType(Schema.SchemaType.NULL);
            }
        });
    }

    private static void error(APIResponses responses, String code, String description) {
        if (!responses.hasAPIResponse(code)) {
            APIResponse response = OASFactory.createAPIResponse().description(description);
            responses.addAPIResponse(code, response);
        }
    }

    private static Content problemContent() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                .schema(OASFactory.createSchema().ref("Problem")));
    }

    /** {@link Problem}: RFC 9457 members and our two extensions. */
    private static Schema problemSchema() {
        return OASFactory.createSchema().type(List.of(Schema.SchemaType.OBJECT))
                .description("An RFC 9457 problem document")
                .required(List.of("type", "title", "status"))
                .properties(Map.of(
                        "type", string("about:blank"),
                        "title", string("The status's reason phrase"),
                        "status", OASFactory.createSchema().type(List.of(Schema.SchemaType.INTEGER)),
                        "detail", string("What went wrong, in words a caller can act on"),
                        "fields", OASFactory.createSchema().type(List.of(Schema.SchemaType.OBJECT))
                                .description("Bad input: field name -> problem")
                                .additionalPropertiesSchema(OASFactory.createSchema()
                                        .type(List.of(Schema.SchemaType.STRING))),
                        "retryAfterSeconds", OASFactory.createSchema().type(List.of(Schema.SchemaType.INTEGER))
                                .description("429 and 503: when to retry")));
    }

    private static Schema string(String description) {
        return OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)).description(description);
    }
}
