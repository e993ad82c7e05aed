package io.notiflow.sms;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Starts the in-process Twilio fake and points the worker's SDK at it, with a test account and sender. */
public class TwilioFakeResource implements QuarkusTestResourceLifecycleManager {

    private TwilioFake fake;

    @Override
    public Map<String, String> start() {
        fake = TwilioFake.start();
        return Map.of(
                "twilio.api-url", fake.baseUrl(),
                "twilio.account-sid", TwilioFake.ACCOUNT_SID,
                "twilio.auth-token", TwilioFake.AUTH_TOKEN,
                "twilio.phone-number", TwilioFake.FROM);
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(fake,
                new TestInjector.AnnotatedAndMatchesType(InjectTwilioFake.class, TwilioFake.class));
    }

    @Override
    public void stop() {
        if (fake != null) {
            fake.stop();
        }
    }
}
