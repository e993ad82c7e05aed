package io.notiflow.push;

import io.notiflow.core.testing.LocalServicesResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/**
 * The services every test of this module runs against: its own database and vhost on the local PostgreSQL and
 * RabbitMQ, and an in-process fake of FCM. Declared once here, so all test classes share one application.
 */
@QuarkusTestResource(value = LocalServicesResource.class, initArgs = {
        @ResourceArg(name = "database", value = PushWorkerTestResources.DATABASE),
        @ResourceArg(name = "vhost", value = PushWorkerTestResources.VHOST)})
@QuarkusTestResource(FcmFakeResource.class)
public final class PushWorkerTestResources {

    public static final String DATABASE = "notiflow_test_push";
    public static final String VHOST = "notiflow-test-push";

    private PushWorkerTestResources() {
    }
}
