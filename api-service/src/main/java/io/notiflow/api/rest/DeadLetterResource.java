package io.notiflow.api.rest;

import io.notiflow.api.service.DeadLetterService;
import io.notiflow.api.service.DeadLetterService.ReplayInterruptedException;
import io.notiflow.api.service.InvalidRequestException;
import io.notiflow.api.service.ReplaySelector;
import io.notiflow.core.http.Problem;
import io.notiflow.core.job.Channel;
import io.notiflow.core.rabbit.BrokerUnavailableException;
import io.notiflow.core.rabbit.DeadLetterQueue;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;


@Path("/api/dlq/{channel}")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    private static final Logger LOG = Logger.getLogger(DeadLetterResource.class);
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private final DeadLetterService service;

    public DeadLetterResource(DeadLetterService service) {
        this.service = service;
    }

    @GET
    @Operation(summary = "What is parked in notifications.<channel>.dlq, oldest first, with the headers saying why;"
            + " the messages stay in the queue")
    public DeadLetterView.Listing list(@PathParam("channel") @ChannelName(required = true) String channel,
                                       @QueryParam("limit") String limit) {
        Channel parsed = channel(channel);
        int pageSize = DEFAULT_LIMIT;
        if (limit != null && !limit.isEmpty()) {
            try {
                pageSize = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                pageSize = -1;
            }
            if (pageSize < 1 || pageSize > MAX_LIMIT) {
                throw InvalidRequestException.of("limit", "must be a whole number from 1 to " + MAX_LIMIT);
            }
        }
        DeadLetterQueue.Listing listing = service.list(parsed, pageSize);
        return new DeadLetterView.Listing(parsed.key(), listing.queue(), listing.depth(), listing.letters().size(),
                listing.letters().stream().map(DeadLetterView::of).toList());
    }

    @POST
    @Path("/replay")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Moves parked jobs back to the work queue with a fresh attempt budget: {\"all\":true},"
            + " {\"ids\":[...]} or {\"error_class\":\"...\"}; their rows go back to queued and the replay is recorded")
    public ReplayView replay(@PathParam("channel") @ChannelName(required = true) String channel,
                             @Valid @NotNull(message = ReplaySelector.REQUIRED) ReplayRequest body,
                             @Context ContainerRequestContext request) {
        Channel parsed = channel(channel);
        ReplaySelector selector = ReplaySelector.from(body.all(), body.ids(), body.errorClass());
        return ReplayView.of(service.replay(parsed, selector, request.getHeaderString(ApiKeyFilter.HEADER),
                CorrelationFilter.current(request)));
    }

    @ServerExceptionMapper
    public Response brokerDown(BrokerUnavailableException e) {
        LOG.errorf("broker unavailable: %s", e.getMessage());
        return Problems.unavailable("the message broker is unavailable; nothing was moved, retry later", 5);
    }

    @ServerExceptionMapper
    public Response interrupted(ReplayInterruptedException e) {
        LOG.error(e.getMessage());
        Problem problem = Problem.of(503, Problems.title(503), "the message broker failed during the replay; the"
                + " jobs listed in partial went back to work, the rest stay in the dead-letter queue; retry later")
                .withRetryAfter(5);
        return Response.fromResponse(Problems.response(problem)).entity(new InterruptedReplay(problem.type(),
                problem.title(), problem.status(), problem.detail(), problem.retryAfterSeconds(),
                ReplayView.of(e.partial()))).build();
    }

    /** A 503 problem plus the extension member {@code partial} (RFC 9457 allows extensions): what did move. */
    public record InterruptedReplay(String type, String title, int status, String detail, Long retryAfterSeconds,
                                    ReplayView partial) {
    }

    /** A channel its {@link ChannelName} constraint let through. */
    private static Channel channel(String key) {
        return Channel.fromKey(key).orElseThrow();
    }
}
