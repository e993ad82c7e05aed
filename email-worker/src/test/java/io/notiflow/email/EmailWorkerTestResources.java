package io.notiflow.email;

import io.notiflow.core.testing.LocalServicesResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/**
 * The services every test of this module runs against: its own database and vhost on the local PostgreSQL and
 * RabbitMQ, and an in-process SMTP server. Declared once here, so all test classes share one application.
 */
@QuarkusTestResource(value = LocalServicesResource.class, initArgs = {
        @ResourceArg(name = "database", value = EmailWorkerTestResources.DATABASE),
        @ResourceArg(name = "vhost", value = EmailWorkerTestResources.VHOST)})
@QuarkusTestResource(SmtpServerResource.class)
public final class EmailWorkerTestResources {

    public static final String DATABASE = "notiflow_test_email";
    public static final String VHOST = "notiflow-test-email";

    private EmailWorkerTestResources() {
    }
}
