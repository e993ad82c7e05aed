package io.notiflow.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Generates bad requests for {@link BadInputCampaignTest} from one seed: every request it makes carries at least
 * one defect the API must reject (a "poison": a wrong key, malformed JSON, a wrong JSON type, a value no rule
 * accepts, ...), and around it random noise (other fields set to arbitrary JSON shapes, injection strings, control
 * characters, huge strings, unknown fields, odd headers). The same seed gives the same requests.
 */
final class BadInputs {

    /** One request. {@code apiKey} null sends no X-API-Key; {@code body} null sends none. */
    record Case(String cls, String endpoint, String method, String path, String apiKey, String contentType,
                Map<String, String> headers, byte[] body, boolean chunked, int expectStatus, boolean readOnly) {

        String describe() {
            String shown = body == null ? "<none>" : new String(body, 0, Math.min(body.length, 400),
                    StandardCharsets.UTF_8).replace("\r", "\\r").replace("\n", "\\n").replace("\u0000", "\\0");
            return "[" + cls + "] " + method + " " + (path.length() > 300 ? path.substring(0, 300) + "..." : path)
                    + " key=" + (apiKey == null ? "<none>" : "'" + apiKey + "'")
                    + " content-type=" + contentType + " headers=" + headers.entrySet().stream()
                    .map(h -> h.getKey() + ": '" + (h.getValue().length() > 60 ? h.getValue().substring(0, 60) + "..."
                            : h.getValue()) + "'").toList()
                    + (body == null ? "" : " body(" + body.length + " bytes" + (chunked ? ", chunked" : "") + ")=")
                    + (body == null ? "" : shown + (body.length > 400 ? "..." : ""));
        }
    }

    static final String TEMPLATE_CODE = "bad-input-campaign";
    static final List<String> CHANNELS = List.of("email", "sms", "push", "inapp");
    static final List<String> STATUSES = List.of("queued", "retrying", "sent", "failed", "delivered", "read", "skipped");
    static final int MAX_BODY = 1_048_576;

    private static final String EMAIL = "campaign@example.com";
    private static final String PHONE = "+14155550100";
    private static final String TOKEN = "fcm-token-0123456789abcdef";

    /** The JSON type a request field has in the API's contract. */
    enum Kind { STR, STR_OR_LIST, STR_MAP, OBJ_MAP, STR_LIST, BOOL }

    static final String[] SQL = {"'; DROP TABLE notifications; --", "\" OR 1=1 --", "' OR '1'='1",
            "1; DELETE FROM users", "'); TRUNCATE templates CASCADE; --", "admin'--", "%' UNION SELECT * FROM users --"};
    static final String[] HTML = {"<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\"><svg onload=alert(1)>",
            "javascript:alert(1)", "<![CDATA[x]]>", "&lt;&amp;&#0;", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"};
    static final String[] MUSTACHE = {"{{#x}}", "{{> partial}}", "{{>* dyn}}", "{{< parent}}{{/parent}}", "{{/x}}",
            "{{{raw}}}", "{{&raw}}", "{{=<% %>=}}", "{{^x}}{{/x}}", "{{#a}}{{/b}}", "{{", "}}", "{{!comment}}",
            "{{#each}}{{this}}{{/each}}", "{{name}}{{name}}{{name}}"};
    static final String[] OTHER_INJECTION = {"${jndi:ldap://127.0.0.1/x}", "%s%s%s%n", "../../../../etc/passwd",
            "..\\..\\windows", "$(rm -rf /)", "`id`", "{\"$where\":\"1\"}", "\\", "\\u0000", "__proto__",
            "Bcc: evil@example.com", "=cmd|' /C calc'!A0"};
    static final String[] UNICODE = {"héllo wörld", "日本語のテキスト", "مرحبا بالعالم", "\u202Egnp.exe", "👩‍👩‍👧‍👦🔥",
            "e\u0301\u0301\u0301", "\u200B\u200C\u200D\uFEFF", "Ω≈ç√∫", "\uFFFD\uFFFF", "𝕳𝖊𝖑𝖑𝖔", "\u2028\u2029"};

    private final Random random;
    private final Map<String, Integer> valueKinds = new TreeMap<>();

    BadInputs(long seed) {
        this.random = new Random(seed);
    }

    /** How often each kind of random value (injection, unicode, NUL, huge, ...) went into a request. */
    Map<String, Integer> valueKinds() {
        return valueKinds;
    }

    // ------------------------------------------------------------------ the request classes

    private record Weighted(int weight, String cls, Supplier<Case> make) {
    }

    private final List<Weighted> classes = List.of(
            new Weighted(8, "auth.missing-key", () -> withKey("auth.missing-key", null)),
            new Weighted(8, "auth.wrong-key", () -> withKey("auth.wrong-key", wrongKey())),
            new Weighted(10, "json.malformed", this::malformed),
            new Weighted(5, "json.not-an-object", this::notAnObject),
            new Weighted(7, "content-type.wrong", this::wrongContentType),
            new Weighted(2, "body.oversized", this::oversized),
            new Weighted(18, "field.wrong-type", this::wrongType),
            new Weighted(18, "field.bad-value", this::badValue),
            new Weighted(4, "field.nul-in-text", this::nulInText),
            new Weighted(5, "header.bad-idempotency-key", this::badIdempotencyKey),
            new Weighted(8, "path.bad-param", this::badPath),
            new Weighted(4, "path.unknown-id", this::unknownId),
            new Weighted(6, "query.bad-param", this::badQuery),
            new Weighted(3, "method.not-allowed", this::wrongMethod),
            new Weighted(4, "preview.hostile-variables", this::previewVariables),
            new Weighted(5, "field.unknown", this::unknownField),
            new Weighted(4, "json.trailing-data", this::trailingData),
            new Weighted(4, "param.nul", this::nulInParam),
            new Weighted(2, "body.oversized-chunked", this::oversizedChunked),
            new Weighted(3, "query.time-out-of-range", this::timeOutOfRange),
            new Weighted(3, "notify.to-with-user-id", this::toWithUserId),
            new Weighted(3, "field.long-push-token", this::longPushToken),
            new Weighted(3, "content-type.missing", this::missingContentType));
    private final int totalWeight = classes.stream().mapToInt(Weighted::weight).sum();

    List<String> classNames() {
        return classes.stream().map(Weighted::cls).toList();
    }

    Case next() {
        int pick = random.nextInt(totalWeight);
        for (Weighted w : classes) {
            pick -= w.weight();
            if (pick < 0) {
                return w.make().get();
            }
        }
        throw new AssertionError();
    }

    // ------------------------------------------------------------------ endpoints with a JSON body

    /** An endpoint taking JSON: its fields, a valid body, and the values that make one field certainly invalid. */
    private record BodyEndpoint(String endpoint, String method, Supplier<String> path, Map<String, Kind> fields,
                                Supplier<Map<String, Object>> valid, Supplier<Map<String, Object>> poisoned) {
    }

    private final List<BodyEndpoint> bodyEndpoints = List.of(
            new BodyEndpoint("POST /api/notify", "POST", () -> "/api/notify", notifyFields(), this::validNotify,
                    this::poisonedNotify),
            new BodyEndpoint("POST /api/users", "POST", () -> "/api/users", userFields(), this::validUser,
                    this::poisonedUser),
            new BodyEndpoint("PUT /api/users/{id}", "PUT", () -> "/api/users/" + freshId(), userFields(),
                    this::validUser, this::poisonedUser),
            new BodyEndpoint("POST /api/users/{id}/push_tokens", "POST", () -> "/api/users/" + freshId()
                    + "/push_tokens", Map.of("token", Kind.STR), () -> obj("token", TOKEN),
                    () -> obj("token", pick(badToken(), ""))),
            new BodyEndpoint("POST /api/templates", "POST", () -> "/api/templates", templateFields(),
                    this::validTemplate, this::poisonedTemplate),
            new BodyEndpoint("POST /api/templates/{code}/preview", "POST",
                    () -> "/api/templates/" + TEMPLATE_CODE + "/preview",
                    ordered("channel", Kind.STR, "locale", Kind.STR, "variables", Kind.OBJ_MAP),
                    () -> obj("channel", "email", "variables", obj("name", "Ada")), this::poisonedPreview),
            new BodyEndpoint("POST /api/tokens", "POST", () -> "/api/tokens",
                    ordered("user_id", Kind.STR, "rooms", Kind.STR_LIST),
                    () -> obj("user_id", "u-campaign", "rooms", List.of("lobby")), this::poisonedToken),
            new BodyEndpoint("POST /api/dlq/{channel}/replay", "POST", () -> "/api/dlq/" + pick(CHANNELS) + "/replay",
                    ordered("all", Kind.BOOL), () -> obj("all", true), this::poisonedReplay),
            new BodyEndpoint("POST /api/templates/preview", "POST", () -> "/api/templates/preview", draftFields(),
                    this::validDraft, this::poisonedDraft),
            new BodyEndpoint("POST /api/suppressions", "POST", () -> "/api/suppressions",
                    ordered("channel", Kind.STR, "address", Kind.STR, "reason", Kind.STR),
                    () -> obj("channel", "email", "address", EMAIL, "reason", "asked us to stop"),
                    this::poisonedSuppression));

    private static Map<String, Kind> ordered(Object... pairs) {
        Map<String, Kind> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], (Kind) pairs[i + 1]);
        }
        return map;
    }

    private static Map<String, Kind> notifyFields() {
        return ordered("type", Kind.STR, "to", Kind.STR_OR_LIST, "subject", Kind.STR, "message", Kind.STR,
                "html", Kind.STR, "title", Kind.STR, "data", Kind.STR_MAP, "room", Kind.STR, "broadcast", Kind.BOOL,
                "user_id", Kind.STR, "request_id", Kind.STR, "user_ids", Kind.STR_LIST, "template_code", Kind.STR,
                "variables", Kind.OBJ_MAP, "category", Kind.STR);
    }

    private static Map<String, Kind> userFields() {
        return ordered("id", Kind.STR, "email", Kind.STR, "phone", Kind.STR, "push_tokens", Kind.STR_LIST,
                "locale", Kind.STR, "preferences", Kind.OBJ_MAP);
    }

    private static Map<String, Kind> templateFields() {
        return ordered("code", Kind.STR, "channel", Kind.STR, "locale", Kind.STR, "subject", Kind.STR,
                "body", Kind.STR, "html", Kind.STR, "title", Kind.STR, "data", Kind.STR_MAP);
    }

    private Map<String, Object> validNotify() {
        return switch (random.nextInt(5)) {
            case 0 -> obj("type", "email", "to", EMAIL, "subject", "Hi", "message", "Hello", "html", "<p>Hello</p>");
            case 1 -> obj("type", "sms", "to", PHONE, "message", "Hello");
            case 2 -> obj("type", "push", "to", TOKEN, "title", "T", "message", "Hello", "data", obj("k", "v"));
            case 3 -> obj("type", "inapp", "to", "u-campaign", "title", "T", "message", "Hello");
            default -> obj("type", "email", "user_id", "u-campaign", "template_code", TEMPLATE_CODE,
                    "variables", obj("name", "Ada"));
        };
    }

    private Map<String, Object> validUser() {
        return obj("id", "u-" + UUID.randomUUID(), "email", EMAIL, "phone", PHONE, "push_tokens", List.of(TOKEN),
                "locale", "en", "preferences", obj("sms", false));
    }

    private static Map<String, Kind> draftFields() {
        Map<String, Kind> fields = templateFields();
        fields.put("variables", Kind.OBJ_MAP);
        return fields;
    }

    private Map<String, Object> validDraft() {
        Map<String, Object> body = validTemplate();
        body.put("variables", obj("name", "Ada"));
        return body;
    }

    /** A template body that would not save, as a draft: a draft may lack its code, so an empty one is no defect. */
    private Map<String, Object> poisonedDraft() {
        Map<String, Object> body = poisonedTemplate();
        if ("".equals(body.get("code"))) {
            body.put("code", badIdentifier());
        }
        body.put("variables", obj("name", "Ada"));
        return body;
    }

    private Map<String, Object> validTemplate() {
        return obj("code", TEMPLATE_CODE + "-x", "channel", "email", "subject", "Hi {{name}}", "body", "Hello {{name}}");
    }

    /** A notify body with one defect that no noise in other fields can cure (type stays what the defect needs). */
    private Map<String, Object> poisonedNotify() {
        Map<String, Object> body;
        switch (random.nextInt(13)) {
            case 0 -> {
                body = validNotify();
                body.put("type", notOneOf(CHANNELS));
            }
            case 1 -> {
                body = validNotify();
                body.remove("type");
            }
            case 2 -> body = obj("type", "email", "to", badEmail(), "subject", "s", "message", "m");
            case 3 -> body = obj("type", "email", "to", EMAIL, "subject", crlf(), "message", "m");
            case 4 -> body = obj("type", "sms", "to", badPhone(), "message", "m");
            case 5 -> body = obj("type", "push", "to", badToken(), "message", "m");
            case 6 -> body = obj("type", "inapp", "to", badIdentifier(), "message", "m");
            case 7 -> body = obj("type", "inapp", "to", "u-1", "room", "r", "broadcast", true, "message", "m");
            case 8 -> {
                String type = pick(CHANNELS);
                int max = switch (type) {
                    case "email" -> 200_000;
                    case "sms" -> 1_600;
                    case "push" -> 4_000;
                    default -> 10_000;
                };
                body = validNotify();
                body.put("type", type);
                body.put("to", switch (type) {
                    case "email" -> EMAIL;
                    case "sms" -> PHONE;
                    case "push" -> TOKEN;
                    default -> "u-campaign";
                });
                body.put("subject", "s");
                body.put("message", "m".repeat(max + 1 + random.nextInt(50)));
                count("huge");
            }
            case 9 -> {
                body = validNotify();
                body.put("request_id", badRequestId());
            }
            case 10 -> body = obj("type", "sms", "to", PHONE, "message", "m", "subject", randomString());
            case 11 -> body = obj("type", "push", "to", TOKEN, "message", "m", "data",
                    obj("big", "d".repeat(4_097 + random.nextInt(2_000))));
            default -> body = obj("type", "email", "to", EMAIL, "subject", "s");
        }
        return body;
    }

    private Map<String, Object> poisonedUser() {
        Map<String, Object> body = validUser();
        switch (random.nextInt(7)) {
            case 0 -> body.put("id", pick(badIdentifier(), ""));
            case 1 -> body.put("email", badEmail());
            case 2 -> body.put("phone", badPhone());
            case 3 -> body.put("push_tokens", List.of(TOKEN, badToken()));
            case 4 -> body.put("locale", badLocale());
            case 5 -> body.put("push_tokens", repeat(TOKEN + "-", 51));
            default -> body.remove("id");
        }
        return body;
    }

    private Map<String, Object> poisonedTemplate() {
        Map<String, Object> body = validTemplate();
        String poisoned = pick("subject", "body");
        switch (random.nextInt(7)) {
            case 0 -> body.put("channel", notOneOf(CHANNELS));
            case 1 -> body.put("code", pick(badIdentifier(), ""));
            case 2 -> body.put("locale", badLocale());
            // brace-free text around it, so nothing in it can close the section or change the delimiters
            case 3 -> body.put(poisoned, braceFree(randomString()) + brokenMustache() + braceFree(randomString()));
            case 4 -> body.put(poisoned = "html", brokenMustache());
            case 5 -> body.put("title", "title on an e-mail template");
            default -> body.remove(poisoned = "body");
        }
        String hostile = pick("subject", "body", "html");
        if (random.nextBoolean() && !hostile.equals(poisoned)) {
            // another text carries hostile but valid Mustache, so the compiler sees it too
            body.put(hostile, pick(SQL) + "{{name}}" + pick(HTML) + pick(UNICODE));
        }
        return body;
    }

    private Map<String, Object> poisonedPreview() {
        return switch (random.nextInt(4)) {
            case 0 -> obj("channel", notOneOf(CHANNELS), "variables", obj("name", "Ada"));
            case 1 -> obj("channel", "email", "locale", badLocale(), "variables", obj("name", "Ada"));
            case 2 -> obj("channel", pick("sms", "push", "inapp"), "variables", obj("name", "Ada"));
            default -> obj("channel", "email", "variables", obj("not_name", randomValue(2)));
        };
    }

    private Map<String, Object> poisonedToken() {
        return switch (random.nextInt(4)) {
            case 0 -> obj("user_id", badIdentifier());
            case 1 -> obj("rooms", List.of("lobby"));
            case 2 -> obj("user_id", "u-campaign", "rooms", List.of("lobby", badIdentifier()));
            default -> obj("user_id", "u-campaign", "rooms", repeat("room-", 101));
        };
    }

    private Map<String, Object> poisonedReplay() {
        return switch (random.nextInt(7)) {
            case 0 -> obj("all", pick(false, "true", 1, List.of(true), obj()));
            case 1 -> obj("ids", pick(List.of(), "x", 3, obj("a", 1)));
            case 2 -> obj("ids", List.of(UUID.randomUUID().toString(), badIdentifier()));
            case 3 -> obj("error_class", pick("", "   ", 5, List.of("smtp-550"), obj()));
            case 4 -> obj("all", true, "error_class", "smtp-550");
            case 5 -> obj(pick("everything", "id", "errorClass", randomString()), true);
            default -> obj();
        };
    }

    private Map<String, Object> poisonedSuppression() {
        return switch (random.nextInt(6)) {
            case 0 -> obj("channel", pick("inapp", "fax", "", "Email"), "address", EMAIL, "reason", "r");
            case 1 -> obj("channel", "email", "address", pick("not-an-address", PHONE, "", TOKEN), "reason", "r");
            case 2 -> obj("channel", "sms", "address", pick(EMAIL, "0415", "+1"), "reason", "r");
            case 3 -> obj("channel", "push", "address", badToken(), "reason", "r");
            case 4 -> obj("channel", "email", "address", EMAIL, "reason", pick("", "   ", "r".repeat(257)));
            default -> obj("channel", "email", "address", EMAIL);
        };
    }

    private BodyEndpoint bodyEndpoint() {
        return pick(bodyEndpoints);
    }

    /** A poisoned body of {@code e}, with noise in some fields and unknown extra fields. */
    private Map<String, Object> noisy(BodyEndpoint e, Map<String, Object> poisoned) {
        if (e.endpoint().startsWith("POST /api/dlq")) {
            return poisoned; // every field of a replay body is a selector; noise there would change the defect
        }
        Map<String, Object> body = new LinkedHashMap<>(poisoned);
        for (int i = 0; i < 3; i++) {
            if (random.nextInt(3) == 0) {
                body.put(unknownFieldName(), randomValue(3));
            }
        }
        return body;
    }

    // ------------------------------------------------------------------ class generators

    private Case withKey(String cls, String key) {
        int which = random.nextInt(3);
        if (which == 0) {
            BodyEndpoint e = bodyEndpoint();
            Map<String, Object> body = random.nextBoolean() ? e.valid().get() : e.poisoned().get();
            return bodyCase(cls, e, key, json(body), 401);
        }
        Case c = which == 1 ? badPath() : badQuery();
        return new Case(cls, c.endpoint(), c.method(), c.path(), key, c.contentType(), c.headers(), c.body(),
                false, 401, false);
    }

    private String wrongKey() {
        return pick("TEST-KEY", "test-key-", "test-ke", "Test-Key", "test_key", "ttest-key", "secnd-test-key",
                "Bearer test-key", "test-key,second-test-key", "null", "undefined", "'; DROP TABLE users; --",
                "<script>alert(1)</script>", "{{api_key}}", "%00", "x".repeat(1 + random.nextInt(4_000)),
                UUID.randomUUID().toString(), "test key", "tes\tkey");
    }

    private Case malformed() {
        BodyEndpoint e = bodyEndpoint();
        String valid = json(e.poisoned().get());
        String broken = switch (random.nextInt(13)) {
            case 0 -> valid.substring(0, random.nextInt(valid.length() - 1));
            case 1 -> pick("x", "]", ",", ":", "\"", "{{", "nul") + valid;
            case 2 -> "[" + valid.substring(1);
            case 3 -> valid.replace('"', '\'');
            case 4 -> valid.substring(0, valid.length() - 1) + ",}";
            case 5 -> "{" + pick("NaN", "Infinity", "-Infinity", "undefined", "0x1F", "01", "+1", ".5", "1.", "tru")
                    + ":1}";
            case 6 -> "{\"k\":" + pick("NaN", "Infinity", "0x1F", "01", "+1", ".5", "1.", "tru", "nul", "'x'") + "}";
            case 7 -> "{/* comment */" + valid.substring(1);
            case 8 -> "{type:\"email\",to:\"" + EMAIL + "\"}";
            case 9 -> "{\"message\":\"line\nbreak\u0000nul\"}";
            case 10 -> "{\"message\":\"bad escape \\x41 \\u12\"}";
            case 11 -> "{\"a\":" + "[".repeat(2_000 + random.nextInt(3_000)) ;
            default -> "{\"a\":1 \"b\":2}";
        };
        count("malformed-json");
        return bodyCase("json.malformed", e, ApiTestSupport.API_KEY, broken, 0);
    }

    private Case notAnObject() {
        BodyEndpoint e = pick(bodyEndpoints.stream().filter(b -> !b.endpoint().contains("preview")).toList());
        String body = pick("null", "[]", "[1,2,3]", "1", "-0.5e99", "\"a string\"", "true", "false", "[{}]",
                "[" + json(e.valid().get()) + "]", "\"" + pick(SQL) .replace("\"", "") + "\"", "", "   ", "\n\t");
        return bodyCase("json.not-an-object", e, ApiTestSupport.API_KEY, body, 0);
    }

    private Case wrongContentType() {
        BodyEndpoint e = bodyEndpoint();
        String type = pick("text/plain", "application/xml", "text/html", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x", "application/octet-stream", "application/javascript",
                "application/json-patch+json", "image/png", "*/*", "application", "json", "application/json; charset=bogus",
                "application/json; charset=UTF-16", "text/json", ";;;", "application/JSON", null);
        String body = pick(json(e.poisoned().get()), "type=email&to=a%40b.co", "<notify><type>email</type></notify>",
                "--x\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nemail\r\n--x--");
        Case c = bodyCase("content-type.wrong", e, ApiTestSupport.API_KEY, body, 0);
        // A well-formed media type that is not JSON (or JSON not in UTF-8) is exactly a 415.
        boolean notJson = type == null || Set.of("text/plain", "application/xml", "text/html",
                "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/octet-stream",
                "application/javascript", "application/json-patch+json", "image/png", "text/json",
                "application/json; charset=bogus", "application/json; charset=UTF-16").contains(type);
        return new Case(c.cls(), c.endpoint(), c.method(), c.path(), c.apiKey(), type, c.headers(), c.body(),
                false, notJson ? 415 : 0, false);
    }

    private Case oversized() {
        return oversized("body.oversized", false);
    }

    /** Over the limit without a declared size: the body arrives in chunks. */
    private Case oversizedChunked() {
        return oversized("body.oversized-chunked", true);
    }

    private Case oversized(String cls, boolean chunked) {
        BodyEndpoint e = bodyEndpoint();
        int size = MAX_BODY + 1 + random.nextInt(300_000);
        String field = pick(e.fields().keySet().stream().toList());
        Map<String, Object> body = random.nextInt(4) == 0 ? e.valid().get() : e.poisoned().get();
        body.put(field, "z".repeat(size));
        count("huge");
        Case c = bodyCase(cls, e, ApiTestSupport.API_KEY, json(body), 413);
        return new Case(c.cls(), c.endpoint(), c.method(), c.path(), c.apiKey(), c.contentType(), c.headers(),
                c.body(), chunked, 413, false);
    }

    private Case wrongType() {
        BodyEndpoint e = bodyEndpoint();
        Map<String, Object> body = noisy(e, random.nextBoolean() ? e.valid().get() : e.poisoned().get());
        String field = pick(e.fields().keySet().stream().toList());
        body.put(field, wrongTypeFor(e.fields().get(field)));
        return bodyCase("field.wrong-type", e, ApiTestSupport.API_KEY, json(body), 0);
    }

    private Object wrongTypeFor(Kind kind) {
        count("wrong-type");
        return switch (kind) {
            case STR -> pick(randomNumber(), random.nextBoolean(), randomObject(2), List.of(1, 2),
                    List.of(randomObject(1)), List.of(), List.of("a", "b"));
            case STR_OR_LIST -> pick(randomNumber(), random.nextBoolean(), randomObject(2), List.of(1),
                    List.of(EMAIL, obj("x", 1)), List.of(List.of(EMAIL)));
            case STR_MAP -> pick(randomNumber(), random.nextBoolean(), "not a map", List.of("x"),
                    obj("k", randomNumber()), obj("k", random.nextBoolean()), obj("k", obj("nested", "v")),
                    obj("k", List.of("v")));
            case OBJ_MAP -> pick(randomNumber(), random.nextBoolean(), "not a map", List.of("x"), List.of(obj()));
            case STR_LIST -> pick(randomNumber(), random.nextBoolean(), "not a list", randomObject(2),
                    List.of(1, 2), List.of(obj("x", "y")), List.of(List.of("x")));
            case BOOL -> pick(randomObject(1), List.of(true), "maybe", "yes please");
        };
    }

    private Case badValue() {
        BodyEndpoint e = bodyEndpoint();
        Map<String, Object> body = e.poisoned().get();
        // noise in other fields (not the ones the defect hinges on)
        Set<String> keep = Set.of("type", "channel", "request_id", "to", "subject", "message", "id", "code",
                "user_id", "rooms", "ids", "all", "error_class", "variables", "broadcast", "room", "body");
        for (String field : e.fields().keySet()) {
            if (!keep.contains(field) && !body.containsKey(field) && random.nextInt(4) == 0) {
                body.put(field, random.nextBoolean() ? randomString() : randomValue(2));
            }
        }
        return bodyCase("field.bad-value", e, ApiTestSupport.API_KEY, json(noisy(e, body)), 0);
    }

    /** An otherwise valid request whose free text holds a NUL or another control character PostgreSQL or SMTP chokes on. */
    private Case nulInText() {
        String nul = pick("\u0000", "a\u0000b", "\u0000".repeat(3), "x\u0000");
        count("nul");
        return switch (random.nextInt(4)) {
            case 0 -> {
                Map<String, Object> body = obj("type", "email", "to", EMAIL, "subject", "s", "message", "m");
                body.put(pick("subject", "message", "html"), nul);
                yield bodyCase("field.nul-in-text", bodyEndpoints.get(0), ApiTestSupport.API_KEY, json(body), 0);
            }
            case 1 -> {
                Map<String, Object> body = obj("type", pick("push", "inapp"), "to", TOKEN, "title", "t",
                        "message", "m", "data", obj("k", "v"));
                if ("inapp".equals(body.get("type"))) {
                    body.put("to", "u-campaign");
                }
                switch (random.nextInt(3)) {
                    case 0 -> body.put("title", nul);
                    case 1 -> body.put("message", nul);
                    default -> body.put("data", obj("k", nul));
                }
                yield bodyCase("field.nul-in-text", bodyEndpoints.get(0), ApiTestSupport.API_KEY, json(body), 0);
            }
            case 2 -> {
                Map<String, Object> body = validTemplate();
                body.put(pick("subject", "body"), "Hello " + nul + " {{name}}");
                yield bodyCase("field.nul-in-text", bodyEndpoints.get(4), ApiTestSupport.API_KEY, json(body), 0);
            }
            default -> {
                Map<String, Object> body = validUser();
                body.put("preferences", obj("categories", obj(nul, obj("email", false))));
                yield bodyCase("field.nul-in-text", bodyEndpoints.get(1), ApiTestSupport.API_KEY, json(body), 0);
            }
        };
    }

    /** A valid body plus fields the request does not have (typos of real ones among them). */
    private Case unknownField() {
        BodyEndpoint e = bodyEndpoint();
        Map<String, Object> body = e.valid().get();
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
            String name = pick("sned_at", "bogus", "emial", "Type", "to ", "userId", "templateCode", "pushTokens",
                    "variable", "force", "extra", "__proto__", "$where", "x".repeat(300), "日本");
            body.put(name, random.nextBoolean() ? randomString() : randomValue(2));
        }
        return bodyCase("field.unknown", e, ApiTestSupport.API_KEY, json(body), 400);
    }

    /** A valid body followed by more than whitespace. */
    private Case trailingData() {
        BodyEndpoint e = bodyEndpoint();
        String tail = pick("{}", "{\"type\":\"sms\"}", "x", "]", "}", "1", "null", "\"s\"", ",{}", "//", "\u0000",
                json(e.valid().get()));
        count("trailing-data");
        return bodyCase("json.trailing-data", e, ApiTestSupport.API_KEY, json(e.valid().get())
                + pick("", " ", "\n") + tail, 400);
    }

    /** U+0000 (as %00) in a query or path parameter of an otherwise fine request. */
    private Case nulInParam() {
        String nul = pick("%00", "a%00b", "%00%00", "x%00");
        count("nul");
        Case c = switch (random.nextInt(9)) {
            case 0 -> get("GET /api/notifications", "/api/notifications?" + pick("receiver", "user_id", "status",
                    "type", "since", "until", "limit") + "=" + nul);
            case 1 -> get("GET /api/notifications/{id}", "/api/notifications/" + nul);
            case 2 -> get("GET /api/users/{id}", "/api/users/" + nul);
            case 3 -> simple("DELETE /api/users/{id}/push_tokens/{token}", "DELETE",
                    "/api/users/" + freshId() + "/push_tokens/" + TOKEN + nul);
            case 4 -> get("GET /api/templates/{code}", "/api/templates/" + nul);
            case 5 -> simple("DELETE /api/templates/{code}", "DELETE", "/api/templates/" + freshId() + "?"
                    + pick("channel", "locale") + "=" + nul);
            case 6 -> get("GET /api/dlq/{channel}", "/api/dlq/email" + pick("?limit=" + nul, nul));
            case 7 -> bodyCase("param.nul", "PUT /api/users/{id}", "PUT", "/api/users/" + nul, json(validUser()), 400);
            default -> bodyCase("param.nul", "POST /api/templates/{code}/preview", "POST",
                    "/api/templates/" + TEMPLATE_CODE + nul + "/preview", json(obj("variables", obj("name", "Ada"))),
                    400);
        };
        return new Case("param.nul", c.endpoint(), c.method(), c.path(), c.apiKey(), c.contentType(), c.headers(),
                c.body(), false, 400, false);
    }

    /** since/until that parse as ISO-8601 but lie outside what the database stores. */
    private Case timeOutOfRange() {
        String value = encode(pick("+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z",
                "+294277-01-01T00:00:00Z", "-4714-11-24T00:00:00Z", "+10000-01-01T00:00:00Z",
                "0000-12-31T23:59:59Z"));
        Case c = get("GET /api/notifications", "/api/notifications?" + pick("since", "until") + "=" + value
                + (random.nextBoolean() ? "&limit=5" : ""));
        return new Case("query.time-out-of-range", c.endpoint(), c.method(), c.path(), c.apiKey(), c.contentType(),
                c.headers(), c.body(), false, 400, false);
    }

    /** An address and a stored user at once: which is the recipient? */
    private Case toWithUserId() {
        Map<String, Object> body = switch (random.nextInt(3)) {
            case 0 -> obj("type", "email", "to", EMAIL, "user_id", "u-campaign", "subject", "s", "message", "m");
            case 1 -> obj("type", "sms", "to", List.of(PHONE), "user_id", "u-campaign", "message", "m");
            default -> obj("type", "push", "to", TOKEN, "user_ids", List.of("u-campaign"), "message", "m");
        };
        return bodyCase("notify.to-with-user-id", bodyEndpoints.get(0), ApiTestSupport.API_KEY, json(body), 400);
    }

    /** A device token of 513-4,096 characters: longer than a notification's receiver can be. */
    private Case longPushToken() {
        String token = "t".repeat(513 + random.nextInt(4_096 - 512));
        return switch (random.nextInt(3)) {
            case 0 -> bodyCase("field.long-push-token", bodyEndpoints.get(0), ApiTestSupport.API_KEY,
                    json(obj("type", "push", "to", token, "title", "T", "message", "m")), 400);
            case 1 -> {
                Map<String, Object> user = validUser();
                user.put("push_tokens", List.of(TOKEN, token));
                yield bodyCase("field.long-push-token", bodyEndpoints.get(1), ApiTestSupport.API_KEY, json(user),
                        400);
            }
            default -> bodyCase("field.long-push-token", bodyEndpoints.get(3), ApiTestSupport.API_KEY,
                    json(obj("token", token)), 400);
        };
    }

    /** A valid JSON body without a Content-Type header. */
    private Case missingContentType() {
        BodyEndpoint e = bodyEndpoint();
        Case c = bodyCase("content-type.missing", e, ApiTestSupport.API_KEY, json(e.valid().get()), 415);
        return new Case(c.cls(), c.endpoint(), c.method(), c.path(), c.apiKey(), null, c.headers(), c.body(),
                random.nextInt(4) == 0, 415, false);
    }

    private Case badIdempotencyKey() {
        String key = pick("has space", "x".repeat(256 + random.nextInt(500)), "tab\there", "\"quoted\" key",
                "semi;colon space", "a b c " + UUID.randomUUID()); // (a blank header is the same as none)
        Map<String, Object> body = validNotify();
        Case c = bodyCase("header.bad-idempotency-key", bodyEndpoints.get(0), ApiTestSupport.API_KEY, json(body), 0);
        Map<String, String> headers = new LinkedHashMap<>(c.headers());
        headers.put("Idempotency-Key", key);
        if (random.nextBoolean()) {
            body.put("request_id", pick(key, "other-" + UUID.randomUUID()));
            c = bodyCase(c.cls(), bodyEndpoints.get(0), ApiTestSupport.API_KEY, json(body), 0);
        }
        return new Case(c.cls(), c.endpoint(), c.method(), c.path(), c.apiKey(), c.contentType(), headers, c.body(),
                false, 0, false);
    }

    private Case badPath() {
        String bad = encode(badPathValue());
        return switch (random.nextInt(12)) {
            case 0 -> get("GET /api/notifications/{id}", "/api/notifications/" + bad);
            case 1 -> get("GET /api/users/{id}", "/api/users/" + bad);
            case 2 -> simple("DELETE /api/users/{id}", "DELETE", "/api/users/" + bad);
            case 3 -> bodyCase("path.bad-param", "PUT /api/users/{id}", "PUT", "/api/users/" + bad,
                    json(validUser()), 0);
            case 4 -> bodyCase("path.bad-param", "POST /api/users/{id}/push_tokens", "POST",
                    "/api/users/" + bad + "/push_tokens", json(obj("token", TOKEN)), 0);
            case 5 -> simple("DELETE /api/users/{id}/push_tokens/{token}", "DELETE",
                    "/api/users/" + bad + "/push_tokens/" + encode(pick(TOKEN, badPathValue())));
            case 6 -> get("GET /api/templates/{code}", "/api/templates/" + bad);
            case 7 -> get("GET /api/templates/{code}/versions", "/api/templates/" + bad + "/versions");
            case 8 -> simple("DELETE /api/templates/{code}", "DELETE", "/api/templates/" + bad);
            case 9 -> bodyCase("path.bad-param", "POST /api/templates/{code}/preview", "POST",
                    "/api/templates/" + bad + "/preview", json(obj("variables", obj("name", "Ada"))), 0);
            case 10 -> get("GET /api/dlq/{channel}", "/api/dlq/" + encode(notOneOf(CHANNELS)));
            default -> bodyCase("path.bad-param", "POST /api/dlq/{channel}/replay", "POST",
                    "/api/dlq/" + encode(notOneOf(CHANNELS)) + "/replay", json(obj("all", true)), 0);
        };
    }

    /** A path value no id, code or UUID rule accepts. */
    private String badPathValue() {
        count("bad-path");
        return pick(randomString() + " ", "a'b", "<script>", "{{#x}}", "'; DROP TABLE users; --", "x".repeat(129),
                "a/b", "..", "%", "%zz", "\u0000", "a\u0000b", "日本", "😀", "a b", "a\tb", "null", "-1 OR 1=1", "a?b",
                "a#b", "a;b", "a\\b", UUID.randomUUID() + "x", "00000000-0000-0000-0000-00000000000g", "%2e%2e%2f");
    }

    private Case unknownId() {
        String id = freshId();
        return switch (random.nextInt(9)) {
            case 8 -> simple("DELETE /api/users/{id}/push_tokens/{token}", "DELETE",
                    "/api/users/" + id + "/push_tokens/" + encode(badPathValue()));
            case 0 -> get("GET /api/notifications/{id}", "/api/notifications/" + UUID.randomUUID());
            case 1 -> get("GET /api/users/{id}", "/api/users/" + id);
            case 2 -> simple("DELETE /api/users/{id}", "DELETE", "/api/users/" + id);
            case 3 -> bodyCase("path.unknown-id", "POST /api/users/{id}/push_tokens", "POST",
                    "/api/users/" + id + "/push_tokens", json(obj("token", TOKEN)), 0);
            case 4 -> simple("DELETE /api/users/{id}/push_tokens/{token}", "DELETE",
                    "/api/users/" + id + "/push_tokens/" + TOKEN);
            case 5 -> get("GET /api/templates/{code}", "/api/templates/" + id);
            case 6 -> simple("DELETE /api/templates/{code}", "DELETE", "/api/templates/" + id);
            default -> bodyCase("path.unknown-id", "POST /api/templates/{code}/preview", "POST",
                    "/api/templates/" + id + "/preview", json(obj("variables", obj("name", "Ada"))), 0);
        };
    }

    private Case badQuery() {
        return switch (random.nextInt(4)) {
            case 0, 1 -> {
                List<String> params = new ArrayList<>();
                switch (random.nextInt(3)) {
                    case 0 -> params.add("status=" + encode(notOneOf(STATUSES)));
                    case 1 -> params.add("type=" + encode(notOneOf(CHANNELS)));
                    default -> params.add("limit=" + encode(badLimit()));
                }
                if (random.nextBoolean()) {
                    params.add(pick("status=" + pick(STATUSES), "type=" + pick(CHANNELS), "limit=5",
                            "junk=" + encode(randomString())));
                }
                yield get("GET /api/notifications", "/api/notifications?" + String.join("&", params));
            }
            case 2 -> get("GET /api/dlq/{channel}", "/api/dlq/" + pick(CHANNELS) + "?limit=" + encode(badLimit()));
            default -> simple("DELETE /api/templates/{code}", "DELETE", "/api/templates/" + freshId() + "?"
                    + (random.nextBoolean() ? "channel=" + encode(notOneOf(CHANNELS)) : "locale=" + encode(badLocale())));
        };
    }

    private String badLimit() {
        return pick("0", "-1", "501", "1000000", "abc", "1e3", "5.5", "99999999999999999999", "-2147483648",
                "2147483648", "0x10", "five", "'; DROP TABLE notifications; --", "1 OR 1=1", "\u0000", " ");
    }

    private Case wrongMethod() {
        String[][] options = {
                {"PATCH", "/api/notify"}, {"GET", "/api/notify"}, {"DELETE", "/api/notify"}, {"PUT", "/api/notify"},
                {"POST", "/api/notifications"}, {"PUT", "/api/notifications/" + UUID.randomUUID()},
                {"DELETE", "/api/notifications/" + UUID.randomUUID()}, {"PATCH", "/api/users/" + freshId()},
                {"PUT", "/api/users"}, {"DELETE", "/api/users"}, {"PUT", "/api/tokens"}, {"GET", "/api/tokens"},
                {"PUT", "/api/templates"}, {"PATCH", "/api/templates/" + freshId()},
                {"GET", "/api/templates/" + TEMPLATE_CODE + "/preview"}, {"PUT", "/api/dlq/email"},
                {"DELETE", "/api/dlq/email"}, {"GET", "/api/dlq/email/replay"}, {"POST", "/api/dlq/email"},
                {"GET", "/api/" + encode(randomString())}, {"POST", "/api/unknown/" + encode(randomString())}};
        String[] o = options[random.nextInt(options.length)];
        boolean withBody = !o[0].equals("GET") && !o[0].equals("DELETE");
        return new Case("method.not-allowed", o[0] + " " + o[1].replaceAll("/[^/]*$", "/…"), o[0], o[1],
                ApiTestSupport.API_KEY, withBody ? "application/json" : null, noiseHeaders(),
                withBody ? json(validNotify()).getBytes(StandardCharsets.UTF_8) : null, false, 0, false);
    }

    /** Read-only: the seeded template rendered with hostile variables. Any answer below 500 is fine. */
    private Case previewVariables() {
        Object name = random.nextBoolean() ? randomString() : randomValue(3);
        Map<String, Object> variables = obj("name", name);
        for (int i = random.nextInt(4); i > 0; i--) {
            variables.put(unknownFieldName(), randomValue(2));
        }
        Map<String, Object> body = obj("channel", "email", "variables", variables);
        if (random.nextBoolean()) {
            body.put("locale", pick("en", "pt-BR", "fr", "zz"));
        }
        Case c = bodyCase("preview.hostile-variables", bodyEndpoints.get(5), ApiTestSupport.API_KEY, json(body), 0);
        return new Case(c.cls(), c.endpoint(), c.method(), c.path(), c.apiKey(), c.contentType(), c.headers(),
                c.body(), false, 0, true);
    }

    // ------------------------------------------------------------------ building cases

    private Case bodyCase(String cls, BodyEndpoint e, String key, String body, int expect) {
        return bodyCase(cls, e.endpoint(), e.method(), e.path().get(), body, expect, key);
    }

    private Case bodyCase(String cls, String endpoint, String method, String path, String body, int expect) {
        return bodyCase(cls, endpoint, method, path, body, expect, ApiTestSupport.API_KEY);
    }

    private Case bodyCase(String cls, String endpoint, String method, String path, String body, int expect,
                          String key) {
        return new Case(cls, endpoint, method, path, key, "application/json", noiseHeaders(),
                body.getBytes(StandardCharsets.UTF_8), false, expect, false);
    }

    private Case get(String endpoint, String path) {
        return simple(endpoint, "GET", path);
    }

    private Case simple(String endpoint, String method, String path) {
        String cls = path.contains("?") ? "query.bad-param" : path.matches(".*/(u-|nx-)[0-9a-f-]{36}.*")
                || path.matches(".*/api/notifications/[0-9a-f-]{36}$") ? "path.unknown-id" : "path.bad-param";
        return new Case(cls, endpoint, method, path, ApiTestSupport.API_KEY, null, noiseHeaders(), null, false, 0,
                false);
    }

    private Map<String, String> noiseHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        if (random.nextInt(5) == 0) {
            headers.put("X-Correlation-Id", pick("x".repeat(random.nextInt(3_000)), "'; DROP TABLE notifications; --",
                    "<script>alert(1)</script>", "{{#x}}", UUID.randomUUID().toString(), " "));
        }
        if (random.nextInt(40) == 0) {
            headers.put("Accept", pick("text/html", "application/xml", "*/*", "image/png", "application/json;q=0"));
        }
        return headers;
    }

    // ------------------------------------------------------------------ values

    private String freshId() {
        return "nx-" + UUID.randomUUID();
    }

    private String notOneOf(List<String> allowed) {
        String s = random.nextInt(3) == 0 ? pick(allowed).toUpperCase() : randomString();
        // an empty filter is the same as none, so it is not a bad value
        return allowed.contains(s) || s.isEmpty() ? s + "!" : s;
    }

    private String badEmail() {
        return randomString() + pick(" <x@y.co>", "@", "@@example.com", " ", "\r\nBcc: x@y.co", "@localhost");
    }

    private String badPhone() {
        return pick("+1415CALLME", "14155550100", "+", "+9991234567", "+1415555012", "+14155550100 ext. 5",
                randomString() + "x", "+1" + "5".repeat(40), "+1\u0000415555", "'; DROP TABLE users; --");
    }

    private String badToken() {
        return pick("short", "abc def ghi jkl mno pqr stu", "t".repeat(4_097), "t".repeat(513 + random.nextInt(3_584)),
                "<script>alert(1)</script>-aaaaaaaaaaaa",
                randomString() + " \u0000");
    }

    private String badIdentifier() {
        return pick(randomString() + " ", "bad user!", "x".repeat(129), "a'b", "<b>", "{{x}}", "a/b", "日本",
                "\u0000", "'; DROP TABLE users; --");
    }

    private String badLocale() {
        return pick(randomString() + "!", "e", "english-language-tag-x", "en--US", "12", "en_US_POSIX_extra_x",
                "<script>", "'; --");
    }

    private String badRequestId() {
        count("bad-request-id");
        return pick("has space", "x".repeat(256 + random.nextInt(100)), "", "caf\u00e9", "a\u0000b", "\u0000",
                "line\nbreak", "tab\there", "'; DROP TABLE accepted_requests; --", "日本");
    }

    private String crlf() {
        return pick("Hi\r\nBcc: x@y.co", "a\nb", "a\rb", "\r\n", "Subject: x\r\n\r\nbody");
    }

    private String brokenMustache() {
        return pick("{{#x}}", "{{> partial}}", "{{>* dyn}}", "{{< parent}}{{/parent}}", "{{#a}}{{/b}}", "{{/x}}",
                "{{^x}}");
    }

    private static String braceFree(String text) {
        return text.replace('{', '(').replace('}', ')');
    }

    private String unknownFieldName() {
        return pick("extra", "", "__proto__", "$where", "a.b", "constructor", "TYPE", "x".repeat(300), "\u0000",
                "'; DROP TABLE users; --", "日本", randomString());
    }

    /** A random string of one of the hostile kinds; the kind is counted. */
    String randomString() {
        int k = random.nextInt(14);
        String kind;
        String s = switch (k) {
            case 0 -> {
                kind = "empty-or-blank";
                yield pick("", " ", "\t", "   \n  ");
            }
            case 1 -> {
                kind = "huge";
                yield pick("a", "é", "😀", "<", "{{x}}").repeat(2_000 + random.nextInt(20_000));
            }
            case 2, 3 -> {
                kind = "unicode";
                yield pick(UNICODE);
            }
            case 4 -> {
                kind = "control-chars";
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < 1 + random.nextInt(8); i++) {
                    b.append((char) random.nextInt(32)).append('x');
                }
                yield b.toString() + "\u007F";
            }
            case 5 -> {
                kind = "crlf";
                yield crlf();
            }
            case 6 -> {
                kind = "nul";
                yield pick("\u0000", "a\u0000b");
            }
            case 7 -> {
                kind = "lone-surrogate";
                yield pick("\uD800", "x\uDC00y", "\uDBFF");
            }
            case 8 -> {
                kind = "sql-injection";
                yield pick(SQL);
            }
            case 9 -> {
                kind = "html-injection";
                yield pick(HTML);
            }
            case 10 -> {
                kind = "mustache-injection";
                yield pick(MUSTACHE);
            }
            case 11 -> {
                kind = "other-injection";
                yield pick(OTHER_INJECTION);
            }
            default -> {
                kind = "plain";
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < 1 + random.nextInt(20); i++) {
                    b.append((char) (' ' + random.nextInt(95)));
                }
                yield b.toString();
            }
        };
        count(kind);
        return s;
    }

    private Object randomNumber() {
        count("number");
        return new Raw(pick("0", "-1", "1.5", "1e400", "-1e400", "123456789012345678901234567890", "-0", "0.0000001",
                "9223372036854775808", "2147483648", "1E-400"));
    }

    /** Any JSON value, down to {@code depth} levels. */
    Object randomValue(int depth) {
        int k = random.nextInt(depth > 0 ? 8 : 5);
        return switch (k) {
            case 0 -> {
                count("null");
                yield null;
            }
            case 1 -> {
                count("boolean");
                yield random.nextBoolean();
            }
            case 2 -> randomNumber();
            case 3, 4 -> randomString();
            case 5 -> {
                count("array");
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    list.add(randomValue(depth - 1));
                }
                yield list;
            }
            default -> randomObject(depth);
        };
    }

    private Map<String, Object> randomObject(int depth) {
        count("object");
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            map.put(unknownFieldName(), depth > 0 ? randomValue(depth - 1) : "v");
        }
        return map;
    }

    private void count(String kind) {
        valueKinds.merge(kind, 1, Integer::sum);
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[random.nextInt(options.length)];
    }

    private <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    private static List<String> repeat(String prefix, int n) {
        List<String> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(prefix + String.format("%020d", i));
        }
        return list;
    }

    static Map<String, Object> obj(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    /** A JSON number written as is (so 1e400 and 30-digit integers reach the server unchanged). */
    record Raw(String text) {
    }

    /** Percent-encodes a path segment or query value, every byte outside the unreserved set. */
    static String encode(String value) {
        StringBuilder b = new StringBuilder();
        for (byte x : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xFF);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                b.append(c);
            } else {
                b.append('%').append(String.format("%02X", x & 0xFF));
            }
        }
        return b.toString();
    }

    /** Writes JSON by hand so control characters, NULs and lone surrogates go out as \\u escapes. */
    static String json(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value);
        return b.toString();
    }

    private static void write(StringBuilder b, Object value) {
        if (value == null) {
            b.append("null");
        } else if (value instanceof Raw raw) {
            b.append(raw.text());
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            b.append(value);
        } else if (value instanceof String s) {
            b.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    b.append('\\').append(c);
                } else if (c < 0x20 || c == 0x7F || Character.isSurrogate(c)) {
                    b.append(String.format("\\u%04x", (int) c));
                } else {
                    b.append(c);
                }
            }
            b.append('"');
        } else if (value instanceof Map<?, ?> map) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                write(b, String.valueOf(e.getKey()));
                b.append(':');
                write(b, e.getValue());
            }
            b.append('}');
        } else if (value instanceof List<?> list) {
            b.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                write(b, list.get(i));
            }
            b.append(']');
        } else {
            throw new IllegalArgumentException("cannot write " + value.getClass());
        }
    }
}
