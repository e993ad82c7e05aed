package io.notiflow.api.rest;

import io.notiflow.api.service.StatsService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

@Path("/api/stats")
@Produces(MediaType.APPLICATION_JSON)
public class StatsResource {

    private final StatsService service;

    public StatsResource(StatsService service) {
        this.service = service;
    }

    @GET
    @Operation(summary = "Counts by type and status, sent and failed per minute over the last hour, the ready"
            + " messages in each channel's work queue and DLQ (null while the broker is unreachable), and each"
            + " channel's worker processes with their provider circuit (live: a heartbeat within 30 s)")
    public StatsService.Stats stats() {
        return service.current();
    }
}
