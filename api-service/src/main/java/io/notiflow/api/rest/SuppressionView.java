package io.notiflow.api.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.notiflow.core.store.Suppression;

import java.time.OffsetDateTime;
import java.util.UUID;

/** JSON view of a suppression; {@code notification_id} names the delivery that revealed it (a bounce, a dead token). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SuppressionView(String channel, String address, String reason, String source,
                              @JsonProperty("notification_id") UUID notificationId,
                              @JsonProperty("created_at") OffsetDateTime createdAt) {

    public static SuppressionView of(Suppression s) {
        return new SuppressionView(s.channel, s.address, s.reason, s.source, s.notificationId, s.createdAt);
    }
}
