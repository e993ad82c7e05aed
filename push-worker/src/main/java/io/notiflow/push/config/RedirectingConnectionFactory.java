package io.notiflow.push.config;

import com.google.api.client.http.javanet.ConnectionFactory;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;

/**
 * google-http-client's connection hook, used to send the SDK's requests to another base URL: each request keeps
 * its path and query and goes to the scheme, host and port of {@code target} instead of fcm.googleapis.com.
 */
final class RedirectingConnectionFactory implements ConnectionFactory {

    private final String base;

    RedirectingConnectionFactory(URI target) {
        if (target.getScheme() == null || target.getHost() == null) {
            throw new IllegalArgumentException("FCM_API_URL must be an absolute URL such as http://localhost:8089, not '"
                    + target + "'");
        }
        this.base = target.getScheme() + "://" + target.getHost() + (target.getPort() < 0 ? "" : ":" + target.getPort());
    }

    @Override
    public HttpURLConnection openConnection(URL url) throws IOException {
        return (HttpURLConnection) URI.create(base + url.getFile()).toURL().openConnection();
    }
}
