package io.notiflow.core.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;

/**
 * A request body limit that holds whatever the transfer encoding, before any resource runs (and so also where a
 * resource would answer without reading the body): a declared Content-Length above it is refused unread, and any
 * other body is read here, on the event loop, reading stopping at the limit. Above it: 413 as a problem document,
 * and the connection closes. A body read in full is kept for the resource ({@link #readBody}), which so never waits
 * on the connection for it: a blocking resource reading the request's own stream parks its worker thread until the
 * body's bytes arrive, and that hand-off cost more CPU than the whole JSON read. Over HTTP/2 the REST layer reads
 * the body itself (it cannot take one read here), within the Content-Length the stream must declare (else 411).
 */
public final class BodyLimit {

    /** Runs before the REST layer's own routes. */
    private static final int ORDER = -1_000;
    private static final String READ_HERE = "notiflow.body-read";

    private BodyLimit() {
    }

    /** Installs the limit of {@code maxBytes} on the routes matching {@code path} (e.g. {@code /api/*}). */
    public static void install(Router router, String path, int maxBytes, ObjectMapper mapper) {
        router.route(path).order(ORDER)
                .handler(context -> {
                    String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
                    boolean http2 = context.request().version() == HttpVersion.HTTP_2;
                    if (length != null) {
                        long declared = declaredLength(length);
                        if (declared > maxBytes) {
                            context.fail(413); // refused unread
                        } else if (declared > 0 && !http2) {
                            read(context, maxBytes);
                        } else {
                            // No body, a malformed length the transport refuses itself, or HTTP/2: its codec holds
                            // a stream to its declared length, and the REST layer must read the body itself (it
                            // pauses the request first, which an HTTP/2 request already read refuses).
                            context.next();
                        }
                    } else if (http2 && carriesBody(context.request().method())) {
                        context.fail(411); // an HTTP/2 body of unknown length could outgrow the limit unseen
                    } else if (context.request().getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
                        read(context, maxBytes);
                    } else {
                        context.next(); // no body
                    }
                })
                .failureHandler(context -> refuse(context, maxBytes, mapper));
    }

    /**
     * Reads a body as bytes, whatever its content type (nothing is decoded here, so a form body gets the same
     * answers as JSON), and stops reading at the limit with a 413.
     */
    private static void read(RoutingContext context, int maxBytes) {
        HttpServerRequest request = context.request();
        Buffer body = Buffer.buffer();
        boolean[] refused = {false};
        request.handler(chunk -> {
            if (refused[0]) {
                return;
            }
            if (body.length() + chunk.length() > maxBytes) {
                refused[0] = true;
                context.fail(413);
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(failure -> {
            if (!refused[0]) {
                refused[0] = true;
                context.fail(400, failure);
            }
        });
        request.endHandler(end -> {
            if (!refused[0]) {
                context.put(READ_HERE, body);
                context.next();
            }
        });
        request.resume();
    }

    private static boolean carriesBody(HttpMethod method) {
        return method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH;
    }

    /** The body {@link #install}'s handler read in full, or null when it read none. */
    public static byte[] readBody(RoutingContext context) {
        Buffer body = context.get(READ_HERE);
        return body == null ? null : body.getBytes();
    }

    /** The declared Content-Length; 0 for one the transport refuses itself (it is malformed). */
    private static long declaredLength(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A body the handler refused (413, or a body that broke off), answered as a problem document. */
    private static void refuse(RoutingContext context, int maxBytes, ObjectMapper mapper) {
        int status = context.statusCode();
        if (status < 400 || status > 499 || context.response().headWritten()) {
            context.next();
            return;
        }
        Problem problem;
        if (status == 411) {
            problem = Problem.of(411, HttpResponseStatus.valueOf(411).reasonPhrase(),
                    "a request body sent over HTTP/2 needs a Content-Length");
        } else if (status == 413) {
            problem = new Problem("about:blank", HttpResponseStatus.valueOf(413).reasonPhrase(), 413,
                    "the request body is larger than " + maxBytes + " bytes",
                    Map.of("body", "is larger than " + maxBytes + " bytes"), null);
        } else {
            problem = Problem.of(status, HttpResponseStatus.valueOf(status).reasonPhrase(),
                    "the request body cannot be read");
        }
        String body;
        try {
            body = mapper.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            body = "{\"type\":\"about:blank\",\"status\":" + status + "}";
        }
        // The rest of the body is not read: the connection closes after the answer.
        context.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(body);
    }
}
