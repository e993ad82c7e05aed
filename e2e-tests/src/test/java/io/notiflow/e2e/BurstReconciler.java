package io.notiflow.e2e;

import io.notiflow.core.testing.BrokerProbe;
import io.notiflow.e2e.EmailBurst.Post;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reconciliation every email fault scenario ends with (FaultInjectionIT, ClusterFailoverIT): once every row of
 * the burst is terminal, the answers, the rows, the attempts, the DLQ, the queues and the SMTP sink must agree.
 * <ul>
 *   <li>every accepted notification ends in exactly one terminal state: {@code sent}, or {@code failed} and then
 *       present in {@code notifications.email.dlq} (once); the work queue and the retry ladder end empty;</li>
 *   <li>each {@code sent} row arrived at the sink, nothing arrived that is not {@code sent}, each {@code sent} row
 *       has exactly one {@code sent} attempt;</li>
 *   <li>duplicates at the receiver are counted and printed ({@code [e2e] <label> ...}, with subjects and ids);
 *       the scenario asserts its own bound on them.</li>
 * </ul>
 */
final class BurstReconciler {

    static final String EMAIL_QUEUE = "notifications.email";
    static final String EMAIL_DLQ = "notifications.email.dlq";

    private final String label;
    private final String database;
    private final Supplier<BrokerProbe> brokerProbe;
    private final SmtpSink smtp;
    private final int ladderSteps;
    private final Duration drainTimeout;

    /**
     * @param label       the scenario family in the printed lines ({@code [e2e] faults ...})
     * @param brokerProbe opens a probe on the scenario's vhost (of whichever broker the services use)
     */
    BurstReconciler(String label, String database, Supplier<BrokerProbe> brokerProbe, SmtpSink smtp, int ladderSteps,
                    Duration drainTimeout) {
        this.label = label;
        this.database = database;
        this.brokerProbe = brokerProbe;
        this.smtp = smtp;
        this.ladderSteps = ladderSteps;
        this.drainTimeout = drainTimeout;
    }

    /** What a scenario ended with; everything also printed as one {@code [e2e] <label> <scenario> reconciled} line. */
    record Reconciliation(int accepted, int rejected, long storedDespite503, long sent, long failed, int inDlq,
                          int distinctReceived, long duplicates, long unexplainedDuplicates, long drainMillis,
                          Map<Integer, Long> sentOnAttempt, long deferred, List<Post> others) {

        /** Checked last, so that a wrong answer still leaves the rest of the reconciliation checked and printed. */
        void assertOnly202Or503() {
            assertThat(others).as("answers other than 202 and 503 (%d; first: %s)", others.size(),
                    others.isEmpty() ? "-" : others.get(0)).isEmpty();
        }
    }

    /**
     * Waits until every row of the scenario is terminal, then checks that the answers, the rows, the attempts,
     * the DLQ, the queues and the SMTP sink agree, and returns the figures.
     */
    Reconciliation reconcile(String scenario, String prefix, List<Post> posts, long drainFrom)
            throws Exception {
        // Anything but a 202 (a 503, or, wrongly, a 500 or no answer) is a refusal as far as the client knows.
        List<Post> others = posts.stream().filter(p -> p.status() != 202 && p.status() != 503).toList();
        Map<String, String> acceptedIds = posts.stream().filter(p -> p.status() == 202)
                .collect(Collectors.toMap(Post::subject, Post::messageId));
        Set<String> rejected = posts.stream().filter(p -> p.status() != 202).map(Post::subject)
                .collect(Collectors.toSet());

        String rows = "FROM notifications WHERE subject LIKE '" + prefix + "%'";
        await().atMost(drainTimeout).pollInterval(Duration.ofMillis(250)).until(() ->
                count("SELECT COUNT(*) " + rows + " AND status NOT IN ('sent', 'failed')") == 0);
        long drainMillis = EmailBurst.millisBetween(drainFrom, System.nanoTime());

        Map<String, List<String>> rowBySubject = new HashMap<>();   // subject -> [id, status]
        for (List<String> row : sql("SELECT subject, id, status " + rows)) {
            assertThat(rowBySubject.put(row.get(0), List.of(row.get(1), row.get(2))))
                    .as("a second row for %s", row.get(0)).isNull();
        }
        acceptedIds.forEach((subject, id) -> {
            assertThat(rowBySubject).as("row of accepted %s", subject).containsKey(subject);
            assertThat(rowBySubject.get(subject).get(0)).as("id of %s", subject).isEqualTo(id);
        });
        Set<String> storedDespite503 = new HashSet<>(rowBySubject.keySet());
        storedDespite503.removeAll(acceptedIds.keySet());
        assertThat(rejected).as("rows of no request (neither accepted nor refused)").containsAll(storedDespite503);
        Set<String> sentIds = ids(rowBySubject, "sent");
        Set<String> failedIds = ids(rowBySubject, "failed");

        // Failed rows and the DLQ: the same notifications, each parked once.
        List<String> parked = new ArrayList<>();
        try (BrokerProbe probe = brokerProbe.get()) {
            if (!failedIds.isEmpty()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> probe.messageCount(EMAIL_DLQ) >= failedIds.size());
            }
            Set<String> ours = new HashSet<>(rowBySubject.values().stream().map(r -> r.get(0)).toList());
            for (BrokerProbe.Taken taken : probe.drain(EMAIL_DLQ)) {
                String id = taken.headers().get("x-notification-id");
                if (ours.contains(id)) {
                    parked.add(id);
                }
            }
            // Nothing left behind on the work queue or the ladder.
            await().atMost(Duration.ofSeconds(30)).until(() -> ladderAndWorkQueueEmpty(probe));
        }

        // The sink: each sent row arrived, nothing arrived that is not sent, repeats counted.
        Map<String, Long> received = smtp.arrivalsBySubject(prefix);
        Set<String> sentSubjects = rowBySubject.entrySet().stream().filter(e -> e.getValue().get(1).equals("sent"))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        Set<String> lost = new HashSet<>(sentSubjects);
        lost.removeAll(received.keySet());
        Set<String> unexpected = new HashSet<>(received.keySet());
        unexpected.removeAll(sentSubjects);
        Map<String, Long> repeated = new TreeMap<>(received.entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        long duplicates = repeated.values().stream().mapToLong(n -> n - 1).sum();
        // A repeat is explained when the worker saw an earlier attempt of that notification fail: the server took the
        // message but the session died before its answer reached the worker (SMTP cannot tell the two apart).
        long unexplained = 0;
        for (Map.Entry<String, Long> repeat : repeated.entrySet()) {
            long failedBefore = count("SELECT COUNT(*) FROM delivery_attempts a WHERE a.notification_id = '"
                    + rowBySubject.get(repeat.getKey()).get(0) + "' AND a.outcome = 'transient' AND a.attempt_number <"
                    + " (SELECT MIN(s.attempt_number) FROM delivery_attempts s WHERE s.notification_id = a.notification_id"
                    + " AND s.outcome = 'sent')");
            if (failedBefore == 0) {
                unexplained += repeat.getValue() - 1;
            }
        }

        Map<Integer, Long> sentOnAttempt = new TreeMap<>();
        for (List<String> row : sql("SELECT a.attempt_number, COUNT(*) FROM delivery_attempts a"
                + " JOIN notifications n ON n.id = a.notification_id WHERE n.subject LIKE '" + prefix + "%'"
                + " AND a.outcome = 'sent' GROUP BY a.attempt_number")) {
            sentOnAttempt.put(Integer.parseInt(row.get(0)), Long.parseLong(row.get(1)));
        }
        Map<String, Long> attemptOutcomes = new TreeMap<>();
        for (List<String> row : sql("SELECT a.outcome, COUNT(*) FROM delivery_attempts a"
                + " JOIN notifications n ON n.id = a.notification_id WHERE n.subject LIKE '" + prefix + "%'"
                + " GROUP BY a.outcome")) {
            attemptOutcomes.put(row.get(0), Long.parseLong(row.get(1)));
        }
        long notOneSentAttempt = count("SELECT COUNT(*) " + rows + " AND status = 'sent' AND (SELECT COUNT(*)"
                + " FROM delivery_attempts a WHERE a.notification_id = notifications.id AND a.outcome = 'sent') <> 1");

        Reconciliation result = new Reconciliation(acceptedIds.size(), rejected.size(), storedDespite503.size(),
                sentIds.size(), failedIds.size(), parked.size(), received.size(), duplicates, unexplained, drainMillis,
                sentOnAttempt, attemptOutcomes.getOrDefault("deferred", 0L), others);
        Map<Integer, Long> answers = new TreeMap<>(posts.stream().collect(Collectors.groupingBy(Post::status,
                Collectors.counting())));
        System.out.printf("[e2e] %s %s reconciled: %d posted, answers %s: %d accepted, %d refused, %d stored"
                        + " despite the refusal; rows: %d sent, %d failed; DLQ %d; sink: %d distinct, %d lost, %d unexpected,"
                        + " %d duplicates (%d without a failed attempt before the send); all terminal %d ms after the fault ended; successful attempt # -> rows %s;"
                        + " attempts by outcome %s%n", label, scenario, posts.size(), answers, result.accepted(), result.rejected(),
                result.storedDespite503(), result.sent(), result.failed(), result.inDlq(), result.distinctReceived(),
                lost.size(), unexpected.size(), duplicates, unexplained, drainMillis, sentOnAttempt, attemptOutcomes);
        if (!repeated.isEmpty()) {
            System.out.printf("[e2e] %s %s: received more than once: %s%n", label, scenario, repeated);
            repeated.keySet().forEach(subject -> System.out.printf("[e2e] %s %s:   %s is notification %s%n",
                    label, scenario, subject, rowBySubject.get(subject).get(0)));
        }
        if (!storedDespite503.isEmpty()) {
            System.out.printf("[e2e] %s %s: refused but stored: %s%n", label, scenario, storedDespite503.stream()
                    .map(s -> s + "=" + rowBySubject.get(s)).toList());
        }
        others.stream().limit(10).forEach(p -> System.out.printf("[e2e] %s %s: wrong answer %s%n", label, scenario, p));

        assertThat(lost).as("sent rows that never reached the sink").isEmpty();
        assertThat(unexpected).as("arrivals without a sent row").isEmpty();
        assertThat(new HashSet<>(parked)).as("DLQ entries = failed rows").isEqualTo(failedIds);
        assertThat(parked).as("each failed notification parked once").doesNotHaveDuplicates();
        assertThat(notOneSentAttempt).as("sent rows without exactly one 'sent' attempt").isZero();
        return result;
    }

    private static Set<String> ids(Map<String, List<String>> rowBySubject, String status) {
        return rowBySubject.values().stream().filter(r -> r.get(1).equals(status)).map(r -> r.get(0))
                .collect(Collectors.toSet());
    }

    private boolean ladderAndWorkQueueEmpty(BrokerProbe probe) throws IOException {
        if (probe.messageCount(EMAIL_QUEUE) != 0) {
            return false;
        }
        for (int step = 1; step <= ladderSteps; step++) {
            if (probe.messageCount(EMAIL_QUEUE + ".retry." + step) != 0) {
                return false;
            }
        }
        return true;
    }

    private long count(String query) throws SQLException {
        return Long.parseLong(sql(query).get(0).get(0));
    }

    private List<List<String>> sql(String query) throws SQLException {
        return E2eSql.rows(database, query);
    }
}
