package io.notiflow.api.rest;

import io.notiflow.api.service.FieldRules;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * No path or query parameter may hold U+0000: PostgreSQL cannot take it (a lookup would fail as if the database
 * were down), so it is a 400 naming the parameter, on every endpoint, before any resource reads it.
 */
public class ParameterRule {

    @ServerRequestFilter(priority = 310)
    public Response check(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/api/")) {
            return null;
        }
        Map<String, String> errors = new LinkedHashMap<>();
        collect(request.getUriInfo().getPathParameters(), errors);
        collect(request.getUriInfo().getQueryParameters(), errors);
        return errors.isEmpty() ? null : Problems.invalid(errors);
    }

    private static void collect(MultivaluedMap<String, String> parameters, Map<String, String> errors) {
        for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
            String name = FieldRules.printable(parameter.getKey());
            if (parameter.getKey().indexOf('\u0000') >= 0) {
                errors.put(name, "the parameter's name must not contain the NUL character");
                continue;
            }
            for (String value : parameter.getValue()) {
                if (value != null && value.indexOf('\u0000') >= 0) {
                    errors.put(name, "must not contain the NUL character");
                }
            }
        }
    }
}
