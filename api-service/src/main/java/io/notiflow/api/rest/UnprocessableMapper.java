package io.notiflow.api.rest;

import io.notiflow.api.service.UnprocessableRequestException;
import io.notiflow.core.http.Problem;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** 422 as an RFC 9457 problem naming each field. */
public class UnprocessableMapper {

    @ServerExceptionMapper
    public Response unprocessable(UnprocessableRequestException e) {
        return Response.status(422).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(422, "Unprocessable Content", e.getMessage()).withFields(e.fields()))
                .build();
    }
}
