package io.notiflow.api.service;

import io.notiflow.api.repository.Template;
import io.notiflow.api.repository.User;
import io.notiflow.api.repository.UserRepository;
import io.notiflow.api.rest.NotifyRequest;
import io.notiflow.core.job.Channel;
import io.notiflow.core.job.TargetKind;
import io.notiflow.core.store.SuppressionRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns one POST /api/notify into the notifications it makes. A plain request (one {@code to}, literal text) is
 * one notification, checked by {@link NotifyValidator}. Otherwise the recipients come from a {@code to} list or
 * from users ({@code user_id}/{@code user_ids}: the address for the channel, the preferences), the text from a
 * template rendered in each user's locale, and every resulting notification is checked by {@link NotifyValidator}
 * as if it had been sent on its own. A user opted out of the channel, or without an address for it, becomes a
 * {@code skipped} notification with the reason, never a silent gap.
 */
@ApplicationScoped
public class RecipientPlanner {

    private static final List<String> CONTENT_FIELDS = List.of("subject", "message", "html", "title", "data");

    private final NotifyValidator validator;
    private final UserRepository users;
    private final SuppressionRepository suppressions;
    private final TemplateService templates;

    public RecipientPlanner(NotifyValidator validator, UserRepository users, SuppressionRepository suppressions,
                            TemplateService templates) {
        this.validator = validator;
        this.users = users;
        this.suppressions = suppressions;
        this.templates = templates;
    }

    /** One notification to store; {@code skipReason} set for a skipped one, {@code template} when rendered. */
    public record Planned(NotificationDraft draft, RenderedTemplate template, Map<String, Object> variables,
                          String skipReason) {
    }

    /**
     * What a request makes. {@code listed}: the answer lists the notifications (the request named several
     * recipients, or one user with several devices) instead of the single-notification answer.
     */
    public record Plan(List<Planned> notifications, boolean listed) {
    }

    /** Where one notification goes: an address (or room/broadcast), or a user's skip reason. */
    private record Recipient(String field, String to, String room, Boolean broadcast, String userId, String locale,
                             String skipReason) {
    }

    /** {@code r}'s field constraints are met ({@link NotifyRequest}); these are the rules across its fields. */
    public Plan plan(NotifyRequest r) {
        List<String> toList = r.to() != null && r.to().listed() ? r.to().addresses() : null;
        if (r.userId() != null && r.to() != null) {
            // Which one is the recipient? Sending to the address would ignore the user's opt-outs.
            throw InvalidRequestException.of("user_id", "cannot be combined with to: send to an address (to) or to a"
                    + " stored user (user_id, whose addresses and preferences apply), not both");
        }
        if (isPlain(r, toList)) {
            // Reads nothing, so no transaction (an empty one's begin and commit were 4 % of api-service's JFR samples).
            NotificationDraft draft = validator.validate(r);
            return new Plan(List.of(new Planned(draft, null, null, null)), false);
        }
        // Users and templates are read in one transaction, so a plan sees one state of them.
        return QuarkusTransaction.joiningExisting().call(() -> planRecipients(r, toList));
    }

    private Plan planRecipients(NotifyRequest r, List<String> toList) {
        Map<String, String> errors = new LinkedHashMap<>();
        Channel channel = Channel.fromKey(r.type()).orElseThrow();
        List<String> userIds = userIds(r, errors);
        checkTargets(r, toList, errors);
        checkTemplate(r, userIds, errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }

        List<Recipient> recipients;
        if (userIds != null) {
            recipients = usersAsRecipients(userIds, r.userIds() != null ? "user_ids" : "user_id", channel,
                    r.category(), errors);
        } else if (toList != null) {
            recipients = new ArrayList<>();
            for (int i = 0; i < toList.size(); i++) {
                recipients.add(new Recipient("to[" + i + "]", toList.get(i), null, null, r.userId(), null, null));
            }
        } else {
            recipients = List.of(new Recipient("to", r.to() == null ? null : r.to().address(), r.room(),
                    r.broadcast(), r.userId(), null, null));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }

        Map<String, RenderedTemplate> renderedByLocale = new HashMap<>();
        List<Planned> planned = new ArrayList<>(recipients.size());
        for (Recipient recipient : recipients) {
            RenderedTemplate rendered = null;
            NotifyRequest single;
            if (r.templateCode() != null) {
                rendered = renderedByLocale.computeIfAbsent(String.valueOf(recipient.locale()),
                        locale -> render(r.templateCode(), channel, recipient.locale(), r.variables()));
                single = r.single(recipient.to(), recipient.room(), recipient.broadcast(), recipient.userId(),
                        rendered.subject(), rendered.body(), rendered.html(), rendered.title(), rendered.data());
            } else {
                single = r.single(recipient.to(), recipient.room(), recipient.broadcast(), recipient.userId(),
                        r.subject(), r.message(), r.html(), r.title(), r.data());
            }
            NotificationDraft draft = check(single, recipient, rendered, errors);
            if (draft != null) {
                planned.add(new Planned(draft, rendered, rendered == null ? null : variables(r),
                        recipient.skipReason()));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        boolean listed = toList != null || r.userIds() != null || planned.size() != 1;
        return new Plan(planned, listed);
    }

    /** The request of a single literal notification, exactly as before users and templates existed. */
    private static boolean isPlain(NotifyRequest r, List<String> toList) {
        boolean userAsTarget = r.userId() != null && r.to() == null && r.room() == null && r.broadcast() == null;
        return toList == null && r.userIds() == null && r.templateCode() == null && r.variables() == null
                && r.category() == null && !userAsTarget;
    }

    /** The users to notify, each once, or null when the recipients are addresses. */
    private static List<String> userIds(NotifyRequest r, Map<String, String> errors) {
        if (r.userIds() != null) {
            if (r.userId() != null) {
                errors.put("user_id", "give user_id or user_ids, not both");
            }
            return List.copyOf(new LinkedHashSet<>(r.userIds()));
        }
        if (r.userId() != null && r.to() == null && r.room() == null && r.broadcast() == null) {
            return List.of(r.userId());
        }
        return null;
    }

    private static void checkTargets(NotifyRequest r, List<String> toList, Map<String, String> errors) {
        if (r.userIds() != null && (r.to() != null || r.room() != null || r.broadcast() != null)) {
            errors.put("user_ids", "cannot be combined with to, room or broadcast");
        }
        if (toList != null) {
            if (toList.isEmpty()) {
                errors.put("to", "must name at least one recipient");
            } else if (toList.size() > NotifyRequest.MAX_RECIPIENTS) {
                errors.put("to", "names more than " + NotifyRequest.MAX_RECIPIENTS
                        + " recipients; split the request");
            }
            if (r.room() != null || r.broadcast() != null) {
                errors.put("to", "a list of recipients cannot be combined with room or broadcast");
            }
        }
    }

    private static void checkTemplate(NotifyRequest r, List<String> userIds, Map<String, String> errors) {
        if (r.templateCode() != null) {
            Map<String, Object> content = new LinkedHashMap<>();
            content.put("subject", r.subject());
            content.put("message", r.message());
            content.put("html", r.html());
            content.put("title", r.title());
            content.put("data", r.data());
            content.forEach((field, value) -> {
                if (value != null) {
                    errors.put(field, "comes from template " + r.templateCode() + "; leave it out");
                }
            });
        } else if (r.variables() != null) {
            errors.put("variables", "are only used with template_code");
        }
        if (r.category() != null && userIds == null) {
            errors.put("category", "only applies to user_id / user_ids recipients (their preferences)");
        }
    }

    private List<Recipient> usersAsRecipients(List<String> ids, String field, Channel channel, String category,
                                              Map<String, String> errors) {
        Map<String, User> found = users.findAll(ids).stream().collect(Collectors.toMap(u -> u.id, Function.identity()));
        Set<String> dead = channel == Channel.PUSH
                ? suppressions.suppressed(Channel.PUSH,
                        found.values().stream().flatMap(u -> u.pushTokens.stream()).toList())
                : Set.of();
        List<Recipient> recipients = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            User user = found.get(id);
            if (user == null) {
                errors.put(field.equals("user_ids") ? "user_ids[" + i + "]" : field, "no user with id '" + id + "'");
                continue;
            }
            List<String> addresses = switch (channel) {
                case EMAIL -> user.email == null ? List.of() : List.of(user.email);
                case SMS -> user.phone == null ? List.of() : List.of(user.phone);
                case PUSH -> user.pushTokens.stream().filter(t -> !dead.contains(t)).toList();
                case INAPP -> List.of(user.id);
            };
            // A token stored before today's rule (e.g. longer than a receiver can be) is skipped on its own, with
            // the reason, so it never blocks the user's other devices.
            List<String> unusable = channel == Channel.PUSH
                    ? addresses.stream().filter(t -> !FieldRules.isDeviceToken(t)).toList() : List.of();
            addresses = unusable.isEmpty() ? addresses
                    : addresses.stream().filter(FieldRules::isDeviceToken).toList();
            Optional<String> optOut = ChannelPreferences.optOut(user.preferences, channel, category);
            if (optOut.isPresent() || (addresses.isEmpty() && unusable.isEmpty())) {
                String reason = optOut.orElseGet(() -> noAddress(channel, user));
                String to = addresses.isEmpty() ? null : addresses.get(0);
                recipients.add(new Recipient(field, to, null, null, user.id, user.locale, reason));
                continue;
            }
            for (String address : addresses) {
                recipients.add(new Recipient(field, address, null, null, user.id, user.locale, null));
            }
            for (String token : unusable) {
                recipients.add(new Recipient(field, null, null, null, user.id, user.locale, unusableToken(token)));
            }
        }
        return recipients;
    }

    /** Fits {@code notifications.skip_reason varchar(255)}: the token itself is not repeated, only its start. */
    private static String unusableToken(String token) {
        return "stored push device token " + FieldRules.printable(token.substring(0, Math.min(12, token.length())))
                + "... (" + token.length() + " characters) is not a valid device token (20-"
                + FieldRules.MAX_DEVICE_TOKEN + " characters of letters, digits and _ : . -); remove or replace it";
    }

    private static String noAddress(Channel channel, User user) {
        return switch (channel) {
            case EMAIL -> "user has no e-mail address";
            case SMS -> "user has no phone number";
            case PUSH -> user.pushTokens.isEmpty() ? "user has no push device token"
                    : "all of the user's push device tokens are suppressed";
            case INAPP -> "user cannot be reached in-app";
        };
    }

    private RenderedTemplate render(String code, Channel channel, String locale, Map<String, Object> variables) {
        Template template = templates.resolve(code, channel, locale).orElseThrow(() ->
                InvalidRequestException.of("template_code", "no " + channel.key() + " template '" + code + "'"
                        + (locale == null ? "" : " for locale " + locale + " nor a default one")));
        return templates.render(template, variables, "template.");
    }

    /**
     * The notification for one recipient, checked like a request of its own. A skipped recipient's address is
     * not checked (it may have none); everything else is.
     */
    private NotificationDraft check(NotifyRequest single, Recipient recipient, RenderedTemplate rendered,
                                    Map<String, String> errors) {
        try {
            return validator.validate(single);
        } catch (InvalidRequestException e) {
            Map<String, String> problems = new LinkedHashMap<>(e.fields());
            if (recipient.skipReason() != null) {
                problems.remove("to");
            }
            problems.forEach((field, problem) -> {
                if (field.equals("to")) {
                    errors.put(recipient.field(), problem);
                } else if (rendered != null && CONTENT_FIELDS.contains(field.split("\\.")[0])) {
                    String part = field.startsWith("message") ? "body" : field;
                    errors.put("template." + part, "as rendered from template " + rendered.code() + " ("
                            + rendered.channel().key() + ", version " + rendered.version() + "): " + problem);
                } else {
                    errors.put(field, problem);
                }
            });
            if (!problems.isEmpty()) {
                return null;
            }
            return new NotificationDraft(channel(single), recipient.to(),
                    single.subject(), single.title(), single.message(), single.html(), single.data(),
                    recipient.userId(), channel(single) == Channel.INAPP ? TargetKind.USER : null);
        }
    }

    private static Channel channel(NotifyRequest single) {
        return Channel.fromKey(single.type()).orElseThrow();
    }

    private static Map<String, Object> variables(NotifyRequest r) {
        return r.variables() == null ? Map.of() : r.variables();
    }
}
