package io.notiflow.core.store;

import io.notiflow.core.job.Channel;
import io.notiflow.core.job.TargetKind;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Column mappings for the lower-case enum values that SQL queries use. */
public final class Converters {
    private Converters() {
    }

    @Converter
    public static class ChannelColumn implements AttributeConverter<Channel, String> {
        @Override
        public String convertToDatabaseColumn(Channel channel) {
            return channel == null ? null : channel.key();
        }

        @Override
        public Channel convertToEntityAttribute(String key) {
            return key == null ? null : Channel.fromKey(key).orElseThrow();
        }
    }

    @Converter
    public static class StatusColumn implements AttributeConverter<NotificationStatus, String> {
        @Override
        public String convertToDatabaseColumn(NotificationStatus status) {
            return status == null ? null : status.key();
        }

        @Override
        public NotificationStatus convertToEntityAttribute(String key) {
            return key == null ? null : NotificationStatus.fromKey(key).orElseThrow();
        }
    }

    @Converter
    public static class OutcomeColumn implements AttributeConverter<AttemptOutcome, String> {
        @Override
        public String convertToDatabaseColumn(AttemptOutcome outcome) {
            return outcome == null ? null : outcome.key();
        }

        @Override
        public AttemptOutcome convertToEntityAttribute(String key) {
            return key == null ? null : AttemptOutcome.valueOf(key.toUpperCase(java.util.Locale.ROOT));
        }
    }

    @Converter
    public static class TargetKindColumn implements AttributeConverter<TargetKind, String> {
        @Override
        public String convertToDatabaseColumn(TargetKind kind) {
            return kind == null ? null : kind.key();
        }

        @Override
        public TargetKind convertToEntityAttribute(String key) {
            return key == null ? null : TargetKind.fromKey(key).orElseThrow();
        }
    }

    @Converter
    public static class VerdictColumn implements AttributeConverter<AttemptVerdict, String> {
        @Override
        public String convertToDatabaseColumn(AttemptVerdict verdict) {
            return verdict == null ? null : verdict.key();
        }

        @Override
        public AttemptVerdict convertToEntityAttribute(String key) {
            return key == null ? null : AttemptVerdict.fromKey(key);
        }
    }
}
