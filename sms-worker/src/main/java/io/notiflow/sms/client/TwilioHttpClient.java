package io.notiflow.sms.client;

import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.Timeout;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Optional;

/**
 * The Twilio SDK's HTTP client with two changes, both through the SDK's own hook
 * ({@code TwilioRestClient.Builder#httpClient}):
 * <ul>
 *   <li>one HTTP request per {@code create()}: the SDK's default tries a request three times on 5xx, and its
 *   Apache client repeats each 429/503 once more (six requests over about three seconds for one failed send,
 *   with the client honouring a long Retry-After in-line). Retrying is the delivery engine's job: its ladder
 *   waits longer, every attempt is logged, and the circuit breaker sees each failure once;</li>
 *   <li>with a base URL (TWILIO_API_URL) every request goes to that scheme, host and port instead, keeping
 *   the path, query, form fields, headers and auth the SDK made.</li>
 * </ul>
 */
public class TwilioHttpClient extends NetworkHttpClient {

    private final Optional<URI> baseUrl;

    public TwilioHttpClient(Optional<URI> baseUrl, Duration readTimeout) {
        super(singleTryClient(readTimeout));
        this.baseUrl = baseUrl.map(TwilioHttpClient::withoutTrailingSlash);
    }

    private static HttpClientBuilder singleTryClient(Duration readTimeout) {
        // The SDK's default client settings, except the read timeout and the automatic retries.
        SocketConfig socket = SocketConfig.custom()
                .setSoTimeout(Timeout.ofMilliseconds(readTimeout.toMillis()))
                .setSoKeepAlive(true)
                .build();
        return HttpClientBuilder.create()
                .useSystemProperties()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDefaultSocketConfig(socket)
                        .setMaxConnPerRoute(20)
                        .setMaxConnTotal(100)
                        .build())
                .setDefaultRequestConfig(DEFAULT_REQUEST_CONFIG)
                .disableAutomaticRetries();
    }

    @Override
    public Response reliableRequest(Request request) {
        return reliableRequest(request, RETRY_CODES, 1, 0);
    }

    @Override
    public Response makeRequest(Request request) {
        return super.makeRequest(baseUrl.isPresent() ? new RedirectedRequest(request, baseUrl.get()) : request);
    }

    private static URI withoutTrailingSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }

    /**
     * A copy of the SDK's request whose URL is the original one moved onto the base URL. The SDK's own URL
     * building is left alone for the original: it folds dotted hosts into region and edge labels, which would
     * mangle a host such as 127.0.0.1.
     */
    static final class RedirectedRequest extends Request {

        private final Request original;
        private final URI baseUrl;

        RedirectedRequest(Request original, URI baseUrl) {
            super(original.getMethod(), original.getUrl());
            this.original = original;
            this.baseUrl = baseUrl;
            getQueryParams().putAll(original.getQueryParams());
            getPostParams().putAll(original.getPostParams());
            getHeaderParams().putAll(original.getHeaderParams());
            setFormParameters(original.getFormParameters());
            setContentType(original.getContentType());
            setBody(original.getBody());
            setUserAgentExtensions(original.getUserAgentExtensions());
            if (original.getUsername() != null) {
                setAuth(original.getUsername(), original.getPassword());
            } else if (original.getAuthStrategy() != null) {
                setAuth(original.getAuthStrategy());
            }
        }

        @Override
        public URL constructURL() {
            // getFile() is the already-encoded path plus query of the URL Twilio would have been sent.
            String pathAndQuery = original.constructURL().getFile();
            try {
                return URI.create(baseUrl + pathAndQuery).toURL();
            } catch (MalformedURLException | IllegalArgumentException e) {
                throw new IllegalStateException("TWILIO_API_URL " + baseUrl + " does not make a valid URL", e);
            }
        }
    }
}
