package io.notiflow.api.rest;

import io.notiflow.api.service.DeadLetterService.Replay;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * The answer to POST /api/dlq/{channel}/replay: how many jobs went back to the work queue and whose.
 * {@code unidentified} counts replayed jobs that carried no notification id (unreadable ones).
 */
public record ReplayView(long replayId, String channel, String selector, OffsetDateTime requestedAt, int replayed,
                         List<String> ids, int unidentified) {

    public static ReplayView of(Replay replay) {
        return new ReplayView(replay.replayId(), replay.channel().key(), replay.selector().kind().field(),
                replay.requestedAt(), replay.replayed().size() + replay.unidentified(),
                replay.replayed().stream().map(Object::toString).toList(), replay.unidentified());
    }
}
