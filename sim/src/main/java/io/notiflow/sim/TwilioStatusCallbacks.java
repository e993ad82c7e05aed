package io.notiflow.sim;

import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Twilio's status callbacks, simulated: when the Messages API stub has accepted a message (201) whose request
 * carried {@code StatusCallback}, the simulator posts {@code sent} and then the message's final status to that
 * URL, as form fields (MessageSid, MessageStatus, AccountSid, To, From, ApiVersion, and ErrorCode when it failed),
 * signed the way Twilio signs ({@link TwilioSignature}), keyed with the account's auth token (the password of the
 * request's Basic authentication, as Twilio knows it).
 * <p>
 * The final status is {@code delivered}, except to a number ending in {@value #UNDELIVERED_SUFFIX}, which is
 * {@code undelivered} with ErrorCode 30003 (Twilio's "unreachable destination handset").
 */
public class TwilioStatusCallbacks implements ServeEventListener {

    /** Numbers ending in this get {@code undelivered} (ErrorCode 30003). */
    public static final String UNDELIVERED_SUFFIX = "30003";

    private static final Logger LOG = Logger.getLogger(TwilioStatusCallbacks.class.getName());
    private static final Pattern MESSAGES = Pattern.compile("/2010-04-01/Accounts/([A-Za-z0-9]+)/Messages\\.json");
    private static final Pattern SID = Pattern.compile("\"sid\"\\s*:\\s*\"(SM[0-9a-fA-F]+)\"");
    /** How long after the accept each callback goes out: Twilio's are as quick. */
    private static final long SENT_AFTER_MS = 20;
    private static final long FINAL_AFTER_MS = 60;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "twilio-status-callbacks");
        t.setDaemon(true);
        return t;
    });

    @Override
    public String getName() {
        return "twilio-status-callbacks";
    }

    @Override
    public boolean applyGlobally() {
        return true;
    }

    @Override
    public void afterComplete(ServeEvent event, Parameters parameters) {
        LoggedRequest request = event.getRequest();
        Matcher path = MESSAGES.matcher(URI.create(request.getUrl()).getPath());
        if (!"POST".equals(request.getMethod().getName()) || !path.matches()
                || event.getResponse() == null || event.getResponse().getStatus() != 201) {
            return;
        }
        Map<String, String> form = form(request.getBodyAsString());
        String callback = form.get("StatusCallback");
        Matcher sid = SID.matcher(event.getResponse().getBodyAsString());
        String token = authToken(request.getHeader("Authorization"));
        if (callback == null || callback.isBlank() || !sid.find() || token == null) {
            return;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("MessageSid", sid.group(1));
        fields.put("SmsSid", sid.group(1));
        fields.put("AccountSid", path.group(1));
        fields.put("To", form.getOrDefault("To", ""));
        if (form.containsKey("From")) {
            fields.put("From", form.get("From"));
        }
        if (form.containsKey("MessagingServiceSid")) {
            fields.put("MessagingServiceSid", form.get("MessagingServiceSid"));
        }
        fields.put("ApiVersion", "2010-04-01");
        boolean undelivered = fields.get("To").endsWith(UNDELIVERED_SUFFIX);
        timer.schedule(() -> post(callback, token, withStatus(fields, "sent", null)), SENT_AFTER_MS,
                TimeUnit.MILLISECONDS);
        timer.schedule(() -> post(callback, token, undelivered ? withStatus(fields, "undelivered", "30003")
                : withStatus(fields, "delivered", null)), FINAL_AFTER_MS, TimeUnit.MILLISECONDS);
    }

    private static Map<String, String> withStatus(Map<String, String> fields, String status, String errorCode) {
        Map<String, String> all = new LinkedHashMap<>(fields);
        all.put("MessageStatus", status);
        all.put("SmsStatus", status);
        if (errorCode != null) {
            all.put("ErrorCode", errorCode);
        }
        return all;
    }

    private void post(String url, String token, Map<String, String> fields) {
        StringBuilder body = new StringBuilder();
        fields.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(encode(k)).append('=')
                .append(encode(v)));
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                    .header("User-Agent", "TwilioProxy/1.1")
                    .header("X-Twilio-Signature", TwilioSignature.of(token, url, fields))
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            LOG.info(() -> "status callback " + fields.get("MessageStatus") + " for " + fields.get("MessageSid")
                    + " to " + url + ": HTTP " + answer.statusCode());
        } catch (Exception e) {
            LOG.warning(() -> "status callback " + fields.get("MessageStatus") + " to " + url + " failed: " + e);
        }
    }

    private static String authToken(String authorization) {
        if (authorization == null || !authorization.startsWith("Basic ")) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : decoded.substring(colon + 1);
    }

    private static Map<String, String> form(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (body == null) {
            return fields;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
            }
        }
        return fields;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
