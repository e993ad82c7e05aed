package io.notiflow.api.rest;

import io.notiflow.api.service.SuppressionService;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * Body of POST /api/suppressions: the channel (email, sms or push), the address on it (an e-mail address, an E.164
 * phone number, a device token) and why it is never to be sent to again.
 */
public record SuppressionRequest(
        @Storable @ChannelName(required = true) String channel,
        @Storable @NotBlank(message = "is required: the e-mail address, phone number or device token") String address,
        @Storable @NotBlank(message = "is required: why the address is suppressed")
        @Size(max = SuppressionService.MAX_REASON, message = "is longer than " + SuppressionService.MAX_REASON
                + " characters") String reason) implements ApiRequest {
}
