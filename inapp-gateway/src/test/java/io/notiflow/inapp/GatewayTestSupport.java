package io.notiflow.inapp;

import io.notiflow.core.job.Channel;
import io.notiflow.core.job.InappTarget;
import io.notiflow.core.job.TargetKind;
import io.notiflow.core.rabbit.JobPublisher;
import io.notiflow.core.store.Notification;
import io.notiflow.core.store.NotificationRepository;
import io.notiflow.core.store.NotificationStatus;
import io.notiflow.core.testing.JwtKeysResource;
import io.notiflow.core.testing.LocalServicesResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.persistence.EntityManager;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Shared by the gateway suites: their own database and vhost, fresh JWT keys, tokens and notification rows. */
@QuarkusTestResource(value = LocalServicesResource.class, initArgs = {
        @ResourceArg(name = "database", value = "notiflow_test_inapp"),
        @ResourceArg(name = "vhost", value = "notiflow-test-inapp")})
@QuarkusTestResource(JwtKeysResource.class)
public final class GatewayTestSupport {

    private GatewayTestSupport() {
    }

    /** A user id no other test uses. */
    static String user(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String token(String user, String... rooms) {
        return Jwt.subject(user).issuer(JwtKeysResource.ISSUER).claim("rooms", List.of(rooms))
                .expiresIn(300).sign(JwtKeysResource.privateKey());
    }

    /** Stores an in-app notification for a user as api-service does (status queued). */
    static Notification store(String user, String title, String message) {
        return store(InappTarget.user(user), title, message, OffsetDateTime.now(ZoneOffset.UTC));
    }

    static Notification store(String user, String title, String message, OffsetDateTime createdAt) {
        return store(InappTarget.user(user), title, message, createdAt);
    }

    static Notification store(InappTarget target, String title, String message, OffsetDateTime createdAt) {
        Notification row = new Notification();
        row.id = UUID.randomUUID();
        row.type = Channel.INAPP;
        row.targetKind = target.kind();
        row.receiver = target.kind() == TargetKind.EVERYONE ? "*" : target.name();
        row.title = title;
        row.message = message;
        row.data = Map.of("link", "/orders/42");
        row.status = NotificationStatus.QUEUED;
        row.correlationId = "test-" + row.id;
        row.createdAt = createdAt;
        row.updatedAt = createdAt;
        QuarkusTransaction.requiringNew().run(() -> repository().persist(row));
        return row;
    }

    /** Stores and queues it, the way api-service's outbox relay does. */
    static Notification queue(String user, String title, String message) {
        return queue(InappTarget.user(user), title, message);
    }

    static Notification queue(InappTarget target, String title, String message) {
        Notification row = store(target, title, message, OffsetDateTime.now(ZoneOffset.UTC));
        publish(row);
        return row;
    }

    static void publish(Notification row) {
        CDI.current().select(JobPublisher.class).get().publishNew(row.toJob());
    }

    static NotificationStatus status(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> repository().statusOf(id).orElseThrow());
    }

    /** sent_at, delivered_at, read_at of a row. */
    static Instant[] times(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Object[] row = (Object[]) CDI.current().select(EntityManager.class).get()
                    .createNativeQuery("select sent_at, delivered_at, read_at from notifications where id = :id")
                    .setParameter("id", id).getSingleResult();
            Instant[] times = new Instant[3];
            for (int i = 0; i < 3; i++) {
                Object value = row[i];
                times[i] = value == null ? null : value instanceof Timestamp t ? t.toInstant()
                        : value instanceof OffsetDateTime o ? o.toInstant() : (Instant) value;
            }
            return times;
        });
    }

    static long attempts(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) CDI.current().select(EntityManager.class).get()
                .createNativeQuery("select count(*) from delivery_attempts where notification_id = :id")
                .setParameter("id", id).getSingleResult()).longValue());
    }

    /** The outcomes of a row's attempts, in order. */
    @SuppressWarnings("unchecked")
    static List<String> attemptOutcomes(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> (List<String>) CDI.current().select(EntityManager.class)
                .get().createNativeQuery("select outcome from delivery_attempts where notification_id = :id"
                        + " order by attempt_number").setParameter("id", id).getResultList());
    }

    private static NotificationRepository repository() {
        return CDI.current().select(NotificationRepository.class).get();
    }
}
