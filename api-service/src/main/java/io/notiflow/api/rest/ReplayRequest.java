package io.notiflow.api.rest;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * Body of POST /api/dlq/{channel}/replay: exactly one of {@code {"all":true}}, {@code {"ids":["<uuid>",...]}} or
 * {@code {"error_class":"smtp-550"}} ({@link io.notiflow.api.service.ReplaySelector}).
 */
public record ReplayRequest(Boolean all, @Storable List<String> ids,
                            @Storable @JsonProperty("error_class") String errorClass) implements ApiRequest {
}
