package io.notiflow.api.service;

import io.notiflow.core.job.Channel;
import io.notiflow.core.store.Suppression;
import io.notiflow.core.store.SuppressionRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator's side of the suppression list: add, list, lift. An address is checked by the same rule as a
 * notification's recipient on that channel ({@link FieldRules}) and kept in the form the workers compare with
 * (e-mail in lower case, phone numbers in E.164), so "Ada@Example.com" and "+1 415 555 0100" suppress what is sent
 * to "ada@example.com" and "+14155550100".
 */
@ApplicationScoped
public class SuppressionService {

    /** {@code suppressions.reason varchar(256)}. */
    public static final int MAX_REASON = 256;

    private final SuppressionRepository suppressions;

    public SuppressionService(SuppressionRepository suppressions) {
        this.suppressions = suppressions;
    }

    /** Suppresses an address for an operator; 409 when it is suppressed already (the first entry stays). */
    @Transactional
    public Suppression add(String channelKey, String address, String reason) {
        Channel channel = channel("channel", channelKey);
        String normalised = address(channel, "address", address);
        if (!suppressions.add(channel, normalised, reason.strip(), Suppression.Source.OPERATOR, null)) {
            Suppression existing = suppressions.find(channel, normalised).orElseThrow();
            throw new ClientErrorException(describe(existing) + " is suppressed already since "
                    + existing.createdAt.toLocalDate() + " (" + existing.source + ": " + existing.reason
                    + "); DELETE /api/suppressions/" + existing.channel + "/" + existing.address + " lifts it",
                    Response.Status.CONFLICT);
        }
        return suppressions.find(channel, normalised).orElseThrow();
    }

    /** Newest first; {@code channelKey} and {@code address} are optional filters (an address needs its channel). */
    @Transactional
    public List<Suppression> list(String channelKey, String address, int limit) {
        Channel channel = channelKey == null ? null : channel("channel", channelKey);
        if (address != null && channel == null) {
            throw InvalidRequestException.of("address", "needs channel: the same text is a different address on"
                    + " each channel");
        }
        return suppressions.list(channel, address == null ? null : address(channel, "address", address), limit);
    }

    /** Lifts a suppression: later notifications to the address are sent again. 404 when there is none. */
    @Transactional
    public void remove(String channelKey, String address) {
        Channel channel = channel("channel", channelKey);
        String normalised = address(channel, "address", address);
        if (!suppressions.remove(channel, normalised)) {
            throw new NotFoundException("no suppression of " + channel.key() + " address "
                    + FieldRules.printable(normalised));
        }
    }

    private static Channel channel(String field, String key) {
        Channel channel = Channel.fromKey(key).orElseThrow(() -> InvalidRequestException.of(field,
                "'" + FieldRules.printable(key) + "' is not one of email, sms, push"));
        if (!Suppression.suppressible(channel)) {
            throw InvalidRequestException.of(field, "inapp has no addresses to suppress: an in-app notification goes"
                    + " to a user, who opts out with preferences");
        }
        return channel;
    }

    /** The address checked by the channel's rule, in its stored form; a 400 naming {@code field} otherwise. */
    private static String address(Channel channel, String field, String address) {
        Map<String, String> errors = new LinkedHashMap<>();
        String value = address.strip();
        String checked = switch (channel) {
            case EMAIL -> FieldRules.email(field, value, errors);
            case SMS -> FieldRules.phone(field, value, errors);
            case PUSH -> FieldRules.deviceToken(field, value, errors);
            case INAPP -> throw new IllegalArgumentException("inapp is not suppressible");
        };
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return Suppression.normalised(channel, checked);
    }

    private static String describe(Suppression s) {
        return s.channel + " address " + s.address;
    }
}
