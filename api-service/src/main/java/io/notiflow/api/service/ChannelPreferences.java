package io.notiflow.api.service;

import io.notiflow.core.job.Channel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A user's channel preferences: {@code {"sms": false, "categories": {"marketing": {"email": false},
 * "security": {"email": true}}}}. What is not said is allowed; a category's own setting for a channel wins over
 * the channel's.
 */
public final class ChannelPreferences {

    static final String CATEGORIES = "categories";

    private ChannelPreferences() {
    }

    /** Why a user with these preferences gets nothing on {@code channel} for {@code category}, if they don't. */
    public static Optional<String> optOut(Map<String, Object> preferences, Channel channel, String category) {
        if (preferences == null) {
            return Optional.empty();
        }
        if (category != null && preferences.get(CATEGORIES) instanceof Map<?, ?> categories
                && categories.get(category) instanceof Map<?, ?> perCategory
                && perCategory.get(channel.key()) instanceof Boolean allowed) {
            return allowed ? Optional.empty()
                    : Optional.of("user opted out of " + channel.key() + " for category " + category);
        }
        if (Boolean.FALSE.equals(preferences.get(channel.key()))) {
            return Optional.of("user opted out of " + channel.key());
        }
        return Optional.empty();
    }

    /** What is wrong with the shape, by field ({@code preferences.fax}); empty when nothing is. */
    public static Map<String, String> problems(Map<String, Object> preferences) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (preferences == null) {
            return errors;
        }
        for (Map.Entry<String, Object> entry : preferences.entrySet()) {
            String field = "preferences." + entry.getKey();
            if (CATEGORIES.equals(entry.getKey())) {
                categories(entry.getValue(), errors);
            } else if (Channel.fromKey(entry.getKey()).isEmpty()) {
                errors.put(field, "is not a channel (one of " + Channel.keys() + ") nor \"" + CATEGORIES + "\"");
            } else if (!(entry.getValue() instanceof Boolean)) {
                errors.put(field, "must be true or false");
            }
        }
        return errors;
    }

    private static void categories(Object value, Map<String, String> errors) {
        if (!(value instanceof Map<?, ?> categories)) {
            errors.put("preferences." + CATEGORIES, "must be an object of category: {channel: true|false}");
            return;
        }
        for (Map.Entry<?, ?> category : categories.entrySet()) {
            String field = "preferences." + CATEGORIES + "." + category.getKey();
            if (FieldRules.identifier(field, String.valueOf(category.getKey()), errors) == null) {
                continue;
            }
            if (!(category.getValue() instanceof Map<?, ?> channels)) {
                errors.put(field, "must be an object of channel: true|false");
                continue;
            }
            for (Map.Entry<?, ?> channel : channels.entrySet()) {
                String channelField = field + "." + channel.getKey();
                if (Channel.fromKey(String.valueOf(channel.getKey())).isEmpty()) {
                    errors.put(channelField, "is not a channel (one of " + Channel.keys() + ")");
                } else if (!(channel.getValue() instanceof Boolean)) {
                    errors.put(channelField, "must be true or false");
                }
            }
        }
    }
}
