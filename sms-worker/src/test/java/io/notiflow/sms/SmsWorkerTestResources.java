package io.notiflow.sms;

import io.notiflow.core.testing.LocalServicesResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/**
 * The services every test of this module runs against: its own database and vhost on the local PostgreSQL and
 * RabbitMQ, and an in-process fake of the Twilio API. Declared once here, so all test classes share one
 * application.
 */
@QuarkusTestResource(value = LocalServicesResource.class, initArgs = {
        @ResourceArg(name = "database", value = SmsWorkerTestResources.DATABASE),
        @ResourceArg(name = "vhost", value = SmsWorkerTestResources.VHOST)})
@QuarkusTestResource(TwilioFakeResource.class)
public final class SmsWorkerTestResources {

    public static final String DATABASE = "notiflow_test_sms";
    public static final String VHOST = "notiflow-test-sms";

    private SmsWorkerTestResources() {
    }
}
