package io.notiflow.push;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Starts the in-process FCM fake on a free port and points the worker at it: the service-account file it writes
 * sends token requests to the fake, and FCM_API_URL sends every FCM request there.
 */
public class FcmFakeResource implements QuarkusTestResourceLifecycleManager {

    private FcmFake fake;

    @Override
    public Map<String, String> start() {
        fake = FcmFake.start();
        return Map.of(
                "fcm.credentials", fake.serviceAccountFile().toString(),
                "fcm.project-id", FcmFake.PROJECT,
                "fcm.api-url", fake.baseUrl());
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(fake, new TestInjector.AnnotatedAndMatchesType(InjectFcmFake.class, FcmFake.class));
    }

    @Override
    public void stop() {
        if (fake != null) {
            fake.stop();
        }
    }
}
