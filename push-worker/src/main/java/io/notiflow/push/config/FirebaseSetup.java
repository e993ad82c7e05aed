package io.notiflow.push.config;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.messaging.FirebaseMessaging;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.util.Optional;

/**
 * The FirebaseApp (and its FirebaseMessaging) built once at start from {@link FcmSettings}. Created eagerly, so a
 * bad credentials file stops the worker at start rather than failing every job.
 * <p>
 * With FIREBASE_CREDENTIALS unset the worker runs against the local simulator: it signs its OAuth token requests
 * with a key pair made at start (never stored, worthless outside this process) and sends them, like every FCM
 * request, to FCM_API_URL (default {@code http://localhost:8089}). That keeps the SDK's whole code path, token
 * exchange included, without any credential in the repository or the environment.
 */
@ApplicationScoped
public class FirebaseSetup {

    private static final Logger LOG = Logger.getLogger(FirebaseSetup.class);
    private static final String APP_NAME = "notiflow-push";
    /** The path the simulator (sim/fcm) serves OAuth tokens on. */
    static final String SIMULATOR_TOKEN_PATH = "/oauth2/token";

    @Produces
    @Singleton
    @Startup
    FirebaseApp firebaseApp(FcmSettings settings) {
        FirebaseOptions.Builder options = FirebaseOptions.builder()
                .setConnectTimeout((int) settings.connectTimeout().toMillis())
                .setReadTimeout((int) settings.readTimeout().toMillis());
        Optional<URI> apiUrl = settings.apiUrl();
        String describedCredentials;
        String project;
        if (settings.credentials().isPresent()) {
            Path file = Path.of(settings.credentials().get());
            GoogleCredentials credentials = load(file);
            options.setCredentials(credentials);
            settings.projectId().ifPresent(options::setProjectId);
            ServiceAccountCredentials account = credentials instanceof ServiceAccountCredentials sa ? sa : null;
            project = settings.projectId().orElse(account == null ? null : account.getProjectId());
            describedCredentials = file + (account == null ? "" : " (service account " + account.getClientEmail() + ")");
        } else {
            URI simulator = apiUrl.orElse(settings.simulatorUrl());
            apiUrl = Optional.of(simulator);
            project = settings.projectId().orElse(settings.simulatorProjectId());
            options.setCredentials(simulatorCredentials(simulator, project)).setProjectId(project);
            describedCredentials = "none (FIREBASE_CREDENTIALS unset): local simulator mode, throwaway signing key";
        }
        // Only replaced when redirecting: against the real FCM the SDK keeps its own default transport.
        apiUrl.ifPresent(url -> options.setHttpTransport(new NetHttpTransport.Builder()
                .setConnectionFactory(new RedirectingConnectionFactory(url)).build()));
        FirebaseApp app = FirebaseApp.initializeApp(options.build(), APP_NAME);
        LOG.infof("FCM: project %s, credentials %s, endpoint %s", project,
                describedCredentials, apiUrl.map(URI::toString).orElse("https://fcm.googleapis.com"));
        if (settings.credentials().isEmpty()) {
            LOG.warnf("FIREBASE_CREDENTIALS is not set: push notifications go to the simulator at %s, not to devices",
                    apiUrl.get());
        }
        return app;
    }

    void close(@Disposes FirebaseApp app) {
        app.delete();
    }

    @Produces
    @Singleton
    FirebaseMessaging firebaseMessaging(FirebaseApp app) {
        return FirebaseMessaging.getInstance(app);
    }

    private static GoogleCredentials load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return GoogleCredentials.fromStream(in);
        } catch (IOException e) {
            // The message names the file, never its contents.
            throw new UncheckedIOException("FIREBASE_CREDENTIALS: cannot read a service-account JSON from " + file
                    + ": " + e.getMessage(), e);
        }
    }

    private static GoogleCredentials simulatorCredentials(URI simulator, String project) {
        return ServiceAccountCredentials.newBuilder()
                .setClientEmail("push-worker@" + project + ".iam.gserviceaccount.com")
                .setPrivateKeyId("local-simulator")
                .setPrivateKey(throwawayKey())
                .setProjectId(project)
                .setTokenServerUri(simulator.resolve(SIMULATOR_TOKEN_PATH))
                .build();
    }

    private static PrivateKey throwawayKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair().getPrivate();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
