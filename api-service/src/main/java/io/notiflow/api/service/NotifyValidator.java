package io.notiflow.api.service;

import io.notiflow.api.rest.NotifyRequest;
import io.notiflow.core.job.Channel;
import io.notiflow.core.job.TargetKind;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.notiflow.api.service.FieldRules.hasLineBreak;
import static io.notiflow.api.service.FieldRules.isBlank;

/**
 * The input rules of POST /api/notify, per type. Every problem is collected, so one 400 names every bad field.
 * The address rules themselves are {@link FieldRules}, shared with the users API; the field constraints are on
 * {@link NotifyRequest}.
 */
@ApplicationScoped
public class NotifyValidator {

    static final int MAX_SUBJECT = 998; // RFC 5322 line limit
    static final int MAX_TITLE = 256;
    static final int MAX_EMAIL_BODY = 200_000;
    static final int MAX_HTML = 500_000;
    static final int MAX_SMS = 1_600; // Twilio's limit for a concatenated message
    static final int MAX_PUSH_BODY = 4_000;
    static final int MAX_INAPP_BODY = 10_000;
    static final int MAX_DATA_BYTES = 4_096; // FCM's data payload limit
    /** The receiver of an in-app row for everyone: no user id or room name can be spelled so. */
    static final String EVERYONE = "*";

    /**
     * The rules per type of one notification's request, whose field constraints ({@link NotifyRequest}) are met:
     * a single recipient, literal text or what a template rendered.
     */
    public NotificationDraft validate(NotifyRequest request) {
        Map<String, String> errors = new LinkedHashMap<>();
        Channel type = Channel.fromKey(request.type()).orElseThrow();
        String receiver = switch (type) {
            case EMAIL -> email(request, errors);
            case SMS -> sms(request, errors);
            case PUSH -> push(request, errors);
            case INAPP -> inapp(request, errors);
        };
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return new NotificationDraft(type, receiver, request.subject(), request.title(), request.message(),
                request.html(), request.data(), request.userId(), type == Channel.INAPP ? inappTarget(request) : null);
    }

    /** The one address a single notification's request names, or null. */
    private static String to(NotifyRequest r) {
        return r.to() == null ? null : r.to().address();
    }

    private static String email(NotifyRequest r, Map<String, String> errors) {
        if (isBlank(to(r))) {
            errors.put("to", "is required: the recipient's e-mail address");
        } else {
            FieldRules.email("to", to(r), errors);
        }
        content(Channel.EMAIL, r.subject(), r.title(), r.message(), r.html(), r.data(), errors);
        return to(r);
    }

    private static String sms(NotifyRequest r, Map<String, String> errors) {
        String receiver = null;
        if (isBlank(to(r))) {
            errors.put("to", "is required: the recipient's phone number in E.164 form, e.g. +14155550100");
        } else {
            receiver = FieldRules.phone("to", to(r), errors);
        }
        content(Channel.SMS, r.subject(), r.title(), r.message(), r.html(), r.data(), errors);
        return receiver;
    }

    private static String push(NotifyRequest r, Map<String, String> errors) {
        if (isBlank(to(r))) {
            errors.put("to", "is required: the device registration token");
        } else {
            FieldRules.deviceToken("to", to(r), errors);
        }
        content(Channel.PUSH, r.subject(), r.title(), r.message(), r.html(), r.data(), errors);
        return to(r);
    }

    private static String inapp(NotifyRequest r, Map<String, String> errors) {
        boolean broadcast = Boolean.TRUE.equals(r.broadcast());
        int targets = (isBlank(to(r)) ? 0 : 1) + (isBlank(r.room()) ? 0 : 1) + (broadcast ? 1 : 0);
        String receiver = null;
        if (targets != 1) {
            errors.put("to", "exactly one target is required: 'to' (a user id), 'room', or \"broadcast\": true");
        } else if (!isBlank(to(r))) {
            receiver = FieldRules.identifier("to", to(r), errors);
        } else if (!isBlank(r.room())) {
            receiver = FieldRules.identifier("room", r.room(), errors);
        } else {
            receiver = EVERYONE;
        }
        content(Channel.INAPP, r.subject(), r.title(), r.message(), r.html(), r.data(), errors);
        return receiver;
    }

    /**
     * The rules for a notification's text alone, without its recipient: what a rendered template is checked
     * against too ({@link TemplateService#render}), so a preview and a send judge the same text alike. Fields a
     * type does not use are not looked at here.
     */
    public Map<String, String> contentProblems(Channel type, String subject, String title, String message,
                                               String html, Map<String, String> data) {
        Map<String, String> errors = new LinkedHashMap<>();
        content(type, subject, title, message, html, data, errors);
        return errors;
    }

    private static void content(Channel type, String subject, String title, String message, String html,
                                Map<String, String> data, Map<String, String> errors) {
        switch (type) {
            case EMAIL -> {
                if (isBlank(subject)) {
                    errors.put("subject", "is required for type email");
                } else if (hasLineBreak(subject)) {
                    errors.put("subject", "must not contain CR or LF (header injection)");
                } else if (subject.length() > MAX_SUBJECT) {
                    errors.put("subject", "is longer than " + MAX_SUBJECT + " characters");
                }
                body(message, MAX_EMAIL_BODY, errors);
                if (html != null && html.length() > MAX_HTML) {
                    errors.put("html", "is longer than " + MAX_HTML + " characters");
                }
            }
            case SMS -> body(message, MAX_SMS, errors);
            case PUSH, INAPP -> {
                title(title, errors);
                body(message, type == Channel.PUSH ? MAX_PUSH_BODY : MAX_INAPP_BODY, errors);
                data(data, errors);
            }
        }
    }

    /** Which of the three targets the (valid) request names; the receiver alone never says. */
    private static TargetKind inappTarget(NotifyRequest r) {
        if (!isBlank(r.room())) {
            return TargetKind.ROOM;
        }
        return Boolean.TRUE.equals(r.broadcast()) ? TargetKind.EVERYONE : TargetKind.USER;
    }

    private static void body(String message, int max, Map<String, String> errors) {
        if (isBlank(message)) {
            errors.put("message", "is required: the notification's text");
        } else if (message.length() > max) {
            errors.put("message", "is longer than " + max + " characters for this type");
        }
    }

    private static void title(String title, Map<String, String> errors) {
        if (title == null) {
            return;
        }
        if (hasLineBreak(title)) {
            errors.put("title", "must not contain CR or LF");
        } else if (title.length() > MAX_TITLE) {
            errors.put("title", "is longer than " + MAX_TITLE + " characters");
        }
    }

    private static void data(Map<String, String> data, Map<String, String> errors) {
        if (data == null) {
            return;
        }
        int bytes = 0;
        for (Map.Entry<String, String> entry : data.entrySet()) {
            if (isBlank(entry.getKey())) {
                errors.put("data", "keys must not be blank");
                return;
            }
            if (entry.getValue() == null) {
                errors.put("data." + entry.getKey(), "must be a string, not null");
                return;
            }
            bytes += entry.getKey().length() + entry.getValue().length();
        }
        if (bytes > MAX_DATA_BYTES) {
            errors.put("data", "is larger than " + MAX_DATA_BYTES + " bytes");
        }
    }

    /**
     * The fields given that the request's type does not use (each "is not used by type sms"), rather than silently
     * dropped; empty for an unknown type (its own rule names it). NotifyRequest's {@code TypeFields} constraint.
     */
    public static Map<String, String> unusedFields(NotifyRequest r) {
        Map<String, String> errors = new LinkedHashMap<>();
        Channel type = Channel.fromKey(r.type()).orElse(null);
        if (type == null) {
            return errors;
        }
        if (type != Channel.EMAIL) {
            notFor(r.subject(), "subject", type, errors);
            notFor(r.html(), "html", type, errors);
        }
        if (type == Channel.EMAIL || type == Channel.SMS) {
            notFor(r.title(), "title", type, errors);
            notFor(r.data(), "data", type, errors);
        }
        if (type != Channel.INAPP) {
            notFor(r.room(), "room", type, errors);
            notFor(r.broadcast(), "broadcast", type, errors);
        }
        return errors;
    }

    private static void notFor(Object value, String field, Channel type, Map<String, String> errors) {
        if (value != null) {
            errors.put(field, "is not used by type " + type.key());
        }
    }
}
