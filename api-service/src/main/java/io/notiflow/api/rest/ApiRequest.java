package io.notiflow.api.rest;

/**
 * A request body record. Read strictly ({@link io.notiflow.api.config.StrictJson}): every field it does not have
 * is named in one 400, and nothing may follow the JSON object.
 */
public interface ApiRequest {
}
