package io.notiflow.core.testing;

import org.eclipse.microprofile.config.ConfigProvider;

import java.net.URI;

/**
 * Where the running test application's management interface answers ({@code /q/health}, {@code /q/metrics},
 * {@code /q/openapi}): its own random port on 127.0.0.1, apart from the application's HTTP port.
 */
public final class Management {

    private Management() {
    }

    /** The management interface's scheme, host and port (from {@code test.management.url}, which ends in /q). */
    public static String baseUrl() {
        URI url = URI.create(ConfigProvider.getConfig().getValue("test.management.url", String.class));
        return url.getScheme() + "://" + url.getRawAuthority();
    }

    /** {@code path} (starting with {@code /q/}) on the management interface. */
    public static String url(String path) {
        return baseUrl() + path;
    }
}
