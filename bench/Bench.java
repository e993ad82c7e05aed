/*
 * notiflow load generator: a single-file Java 17 program, run as `java bench/Bench.java <mode> [options]`
 * (bench/run calls it; see docs/BENCHMARKS.md). No dependencies beyond the JDK.
 *
 * Modes:
 *   fixed   open loop: POST /api/notify (email) at --rate requests/s for --duration s. Each request is timed from
 *           the moment it was DUE, not from when it went out, so a stalled server cannot hide its queueing
 *           (no coordinated omission). At most --max-outstanding requests in flight; a due request that finds the
 *           limit reached is counted as "shed" and not sent.
 *   max     closed loop: --concurrency requests in flight at all times for --duration s (the maximum rate the
 *           API accepts on this machine).
 *   inapp   opens --clients WebSocket clients on the gateway (one user each, JWTs signed here with the
 *           development key), then POSTs in-app notifications to random users at --rate/s for --duration s and
 *           times each from the moment the POST was due to the moment the client received the frame. Clients ack
 *           each frame ({"type":"ack"}) like the demo page does, unless --no-ack.
 *
 * Output: a human summary on stderr and key=value lines on stdout (bench/run collects them).
 */

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

public class Bench {

    static final Map<String, String> OPT = new HashMap<>();

    static String opt(String name, String def) {
        return OPT.getOrDefault(name, def);
    }

    static int intOpt(String name, int def) {
        return Integer.parseInt(opt(name, String.valueOf(def)));
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: java Bench.java fixed|max|inapp [--name value ...]  (see the header comment)");
            System.exit(2);
        }
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
            if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                OPT.put(a.substring(2), args[++i]);
            } else {
                OPT.put(a.substring(2), "true");
            }
        }
        switch (args[0]) {
            case "fixed" -> fixed();
            case "max" -> max();
            case "inapp" -> inapp();
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        System.exit(0);
    }

    // ------------------------------------------------------------------------------------------------ HTTP side

    /**
     * POSTs go over plain sockets, one persistent HTTP/1.1 connection per poster thread (--connections, default
     * 512, opened as needed). The JDK's HttpClient took about 0.7 ms of CPU per request here, three quarters of a
     * core at 1,000 requests/s on the same two cores as the platform; this takes a fraction of that, so the load
     * generator's own CPU stays small. Requests are still timed from when they were due.
     */
    static ExecutorService posters;

    static synchronized ExecutorService posters() {
        if (posters == null) {
            posters = Executors.newFixedThreadPool(intOpt("connections", 512), daemon("post"));
        }
        return posters;
    }

    static final ThreadLocal<RawHttp> CONNECTION = new ThreadLocal<>();

    /** One keep-alive HTTP/1.1 connection: writes a request, reads the status, headers and body of the answer. */
    static final class RawHttp implements AutoCloseable {
        final Socket socket;
        final OutputStream out;
        final InputStream in;
        final String hostHeader;

        RawHttp(URI base) throws IOException {
            hostHeader = base.getHost() + ":" + base.getPort();
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
            socket.setSoTimeout(30_000);
            out = new BufferedOutputStream(socket.getOutputStream(), 4096);
            in = new BufferedInputStream(socket.getInputStream(), 8192);
        }

        /** Returns {status, body}; throws on a broken connection (the caller drops it). */
        Object[] post(String path, String key, byte[] body) throws IOException {
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + hostHeader
                    + "\r\nContent-Type: application/json\r\nX-API-Key: " + key
                    + "\r\nContent-Length: " + body.length + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            String statusLine = line();
            if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
                throw new IOException("not an HTTP answer: " + statusLine);
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            int length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                int colon = header.indexOf(':');
                String name = header.substring(0, Math.max(colon, 0)).trim().toLowerCase(java.util.Locale.ROOT);
                String value = header.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Integer.parseInt(value);
                    case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
                    case "connection" -> close = value.equalsIgnoreCase("close");
                    default -> { }
                }
            }
            byte[] data;
            if (chunked) {
                java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
                for (int size = chunk(); size > 0; size = chunk()) {
                    all.write(in.readNBytes(size));
                    line();
                }
                while (!line().isEmpty()) {
                    // trailers
                }
                data = all.toByteArray();
            } else if (length >= 0) {
                data = in.readNBytes(length);
                if (data.length < length) {
                    throw new IOException("connection closed in the body");
                }
            } else {
                data = in.readAllBytes();
                close = true;
            }
            if (close) {
                close();
                CONNECTION.remove();
            }
            return new Object[] {status, new String(data, StandardCharsets.UTF_8)};
        }

        private int chunk() throws IOException {
            String size = line();
            int semi = size.indexOf(';');
            return Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
        }

        private String line() throws IOException {
            StringBuilder text = new StringBuilder(64);
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new java.io.EOFException("connection closed");
                }
                if (c != '\r') {
                    text.append((char) c);
                }
            }
            return text.toString();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    static final ConcurrentLinkedQueue<long[]> SAMPLES = new ConcurrentLinkedQueue<>(); // {latencyNanos}
    static final AtomicLong ACCEPTED = new AtomicLong();
    static final AtomicLong REJECTED_429 = new AtomicLong();
    static final AtomicLong OTHER_STATUS = new AtomicLong();
    static final AtomicLong ERRORS = new AtomicLong();
    static final AtomicLong SHED = new AtomicLong();
    static final Map<Integer, AtomicLong> STATUSES = new ConcurrentHashMap<>();

    static String api() {
        return opt("api", "http://127.0.0.1:8080");
    }

    static String key() throws Exception {
        String k = opt("key", System.getenv("NOTIFLOW_API_KEY"));
        if (k == null) {
            k = Files.readString(Path.of(".run/api-key")).trim();
        }
        return k;
    }

    static String emailBody(String tag, long n) {
        return "{\"type\":\"email\",\"to\":\"bench+" + (n % 1000) + "@example.com\",\"subject\":\"" + tag + " #" + n
                + "\",\"message\":\"Hello from the notiflow benchmark. This is message " + n
                + ", a short plain-text body of typical size for a transactional e-mail.\"}";
    }

    /** Sends one POST; completes with the messageId (or null) after recording status and latency from dueNanos. */
    static CompletableFuture<String> post(String key, String body, long dueNanos, boolean record) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        posters().execute(() -> {
            int status;
            String text;
            try {
                RawHttp connection = CONNECTION.get();
                if (connection == null) {
                    connection = new RawHttp(URI.create(api()));
                    CONNECTION.set(connection);
                }
                try {
                    Object[] response = connection.post("/api/notify", key, bytes);
                    status = (Integer) response[0];
                    text = (String) response[1];
                } catch (IOException | RuntimeException e) {
                    connection.close();
                    CONNECTION.remove();
                    throw e;
                }
            } catch (IOException | RuntimeException e) {
                ERRORS.incrementAndGet();
                answer.complete(null);
                return;
            }
            long lat = System.nanoTime() - dueNanos;
            STATUSES.computeIfAbsent(status, st -> new AtomicLong()).incrementAndGet();
            String id = null;
            if (status == 202) {
                ACCEPTED.incrementAndGet();
                if (record) {
                    SAMPLES.add(new long[] {lat});
                }
                int i = text.indexOf("\"messageId\":\"");
                id = i < 0 ? null : text.substring(i + 13, text.indexOf('"', i + 13));
            } else if (status == 429) {
                REJECTED_429.incrementAndGet();
            } else {
                OTHER_STATUS.incrementAndGet();
            }
            answer.complete(id);
        });
        return answer;
    }

    interface BodyMaker {
        String make(long n);
    }

    interface IdSink {
        void accepted(String id, long dueNanos);
    }

    /**
     * Open loop: request n is due at start + n/rate. A 1 ms tick sends every request that has come due. Returns
     * the measured wall seconds.
     */
    static double openLoop(String key, int rate, int seconds, BodyMaker bodies, IdSink ids) throws Exception {
        int maxOutstanding = intOpt("max-outstanding", 2000);
        Semaphore slots = new Semaphore(maxOutstanding);
        long total = (long) rate * seconds;
        long start = System.nanoTime();
        long n = 0;
        double nanosPerReq = 1e9 / rate;
        while (n < total) {
            long now = System.nanoTime();
            long dueCount = Math.min(total, (long) ((now - start) / nanosPerReq) + 1);
            for (; n < dueCount; n++) {
                long due = start + (long) (n * nanosPerReq);
                if (!slots.tryAcquire()) {
                    SHED.incrementAndGet();
                    continue;
                }
                post(key, bodies.make(n), due, true).whenComplete((id, e) -> {
                    slots.release();
                    if (id != null && ids != null) {
                        ids.accepted(id, due);
                    }
                });
            }
            long next = start + (long) (n * nanosPerReq);
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                TimeUnit.NANOSECONDS.sleep(Math.min(sleep, 1_000_000));
            }
        }
        long sentDone = System.nanoTime();
        if (!slots.tryAcquire(maxOutstanding, 60, TimeUnit.SECONDS)) {
            System.err.println("WARNING: requests still outstanding 60 s after the last one was due");
        }
        return (sentDone - start) / 1e9;
    }

    static void fixed() throws Exception {
        String key = key();
        int rate = intOpt("rate", 1000);
        int seconds = intOpt("duration", 60);
        String tag = opt("tag", "bench");
        warmup(key, tag);
        long wallStart = System.currentTimeMillis();
        double secs = openLoop(key, rate, seconds, n -> emailBody(tag, n), null);
        long wallEnd = System.currentTimeMillis();
        report("fixed", secs, wallStart, wallEnd);
        System.out.println("target_rate=" + rate);
    }

    static void max() throws Exception {
        String key = key();
        int concurrency = intOpt("concurrency", 64);
        int seconds = intOpt("duration", 30);
        String tag = opt("tag", "bench");
        warmup(key, tag);
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        AtomicLong seq = new AtomicLong();
        CountDownLatch done = new CountDownLatch(concurrency);
        long wallStart = System.currentTimeMillis();
        for (int i = 0; i < concurrency; i++) {
            loopOne(key, tag, seq, end, done);
        }
        done.await();
        long wallEnd = System.currentTimeMillis();
        report("max", (System.nanoTime() - start) / 1e9, wallStart, wallEnd);
        System.out.println("concurrency=" + concurrency);
    }

    static void loopOne(String key, String tag, AtomicLong seq, long end, CountDownLatch done) {
        long now = System.nanoTime();
        if (now >= end) {
            done.countDown();
            return;
        }
        post(key, emailBody(tag, seq.getAndIncrement()), now, true)
                .whenComplete((id, e) -> loopOne(key, tag, seq, end, done));
    }

    /** A few hundred requests first, so the JIT of both sides is not part of the figures (not counted). */
    static void warmup(String key, String tag) throws Exception {
        int n = intOpt("warmup", 500);
        List<CompletableFuture<String>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fs.add(post(key, emailBody(tag + "-warmup", i), System.nanoTime(), false));
            if (fs.size() >= 32) {
                CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).join();
                fs.clear();
            }
        }
        CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).join();
        ACCEPTED.set(0);
        REJECTED_429.set(0);
        OTHER_STATUS.set(0);
        ERRORS.set(0);
        STATUSES.clear();
    }

    static void report(String mode, double secs, long wallStart, long wallEnd) {
        long[] lat = SAMPLES.stream().mapToLong(a -> a[0]).sorted().toArray();
        out("mode", mode);
        out("wall_start_ms", wallStart);
        out("wall_end_ms", wallEnd);
        out("seconds", String.format("%.1f", secs));
        out("accepted", ACCEPTED.get());
        out("accepted_per_s", String.format("%.0f", ACCEPTED.get() / secs));
        out("rejected_429", REJECTED_429.get());
        out("other_status", OTHER_STATUS.get() + " " + STATUSES);
        out("errors", ERRORS.get());
        out("shed", SHED.get());
        percentiles("accept_ms", lat);
    }

    static void percentiles(String prefix, long[] sortedNanos) {
        if (sortedNanos.length == 0) {
            out(prefix + "_p50", "n/a");
            return;
        }
        out(prefix + "_p50", ms(pct(sortedNanos, 50)));
        out(prefix + "_p95", ms(pct(sortedNanos, 95)));
        out(prefix + "_p99", ms(pct(sortedNanos, 99)));
        out(prefix + "_max", ms(sortedNanos[sortedNanos.length - 1]));
        out(prefix + "_samples", sortedNanos.length);
    }

    static long pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static String ms(long nanos) {
        return String.format("%.1f", nanos / 1e6);
    }

    static void out(String k, Object v) {
        System.out.println(k + "=" + v);
        System.err.printf("  %-22s %s%n", k, v);
    }

    // ------------------------------------------------------------------------------------------------ in-app side

    static final ConcurrentHashMap<String, Long> RECEIVED = new ConcurrentHashMap<>(); // id -> nanoTime
    static final AtomicLong FRAMES = new AtomicLong();
    static final AtomicLong DUP_FRAMES = new AtomicLong();

    static void inapp() throws Exception {
        String key = key();
        int clients = intOpt("clients", 2000);
        int rate = intOpt("rate", 1000);
        int seconds = intOpt("duration", 30);
        String run = opt("tag", "b" + Long.toString(System.currentTimeMillis(), 36));
        boolean ack = !OPT.containsKey("no-ack");
        String gateway = opt("gateway", "ws://127.0.0.1:8084/ws");
        String issuer = opt("issuer", "notiflow-dev");
        PrivateKey pk = readPkcs8(Path.of(opt("jwt-key", ".run/jwt/jwt-private.pem")));

        long t0 = System.nanoTime();
        String[] users = new String[clients];
        String[] tokens = new String[clients];
        IntStream.range(0, clients).parallel().forEach(i -> {
            users[i] = run + "-u" + i;
            tokens[i] = jwt(pk, issuer, users[i]);
        });
        System.err.printf("signed %d tokens in %.1f s%n", clients, (System.nanoTime() - t0) / 1e9);

        // One HttpClient per 2,000 sockets (each client has one selector thread).
        List<HttpClient> wsClients = new ArrayList<>();
        for (int i = 0; i < (clients + 1999) / 2000; i++) {
            wsClients.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(20)).executor(Executors.newFixedThreadPool(2, daemon("ws")))
                    .build());
        }
        WebSocket[] sockets = new WebSocket[clients];
        AtomicInteger open = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Semaphore connecting = new Semaphore(intOpt("connect-parallel", 100));
        t0 = System.nanoTime();
        CountDownLatch all = new CountDownLatch(clients);
        for (int i = 0; i < clients; i++) {
            connecting.acquire();
            int idx = i;
            wsClients.get(i / 2000).newWebSocketBuilder()
                    .header("Authorization", "Bearer " + tokens[i])
                    .connectTimeout(Duration.ofSeconds(30))
                    .buildAsync(URI.create(gateway), new Listener(ack))
                    .whenComplete((ws, e) -> {
                        connecting.release();
                        if (e != null) {
                            if (failed.incrementAndGet() <= 3) {
                                System.err.println("connect failed: " + e);
                            }
                        } else {
                            sockets[idx] = ws;
                            open.incrementAndGet();
                        }
                        all.countDown();
                    });
        }
        all.await(300, TimeUnit.SECONDS);
        double connectSecs = (System.nanoTime() - t0) / 1e9;
        System.err.printf("connected %d of %d clients in %.1f s (%d failed)%n", open.get(), clients, connectSecs,
                failed.get());
        Thread.sleep(2000); // let the gateway finish the (empty) backlog reads

        BodyMaker inappBody = n -> {
            int u = ThreadLocalRandom.current().nextInt(clients);
            while (sockets[u] == null) {
                u = ThreadLocalRandom.current().nextInt(clients);
            }
            return "{\"type\":\"inapp\",\"to\":\"" + users[u] + "\",\"title\":\"bench\",\"message\":\"in-app benchmark "
                    + n + "\"}";
        };
        // Warm-up (not counted): the gateway's and the relay's JIT, the gateway's pools. At a rate the gateway keeps
        // up with while it is still compiling, and drained before the measured phase starts, so that phase measures
        // a warm platform from an empty queue rather than the warm-up's backlog.
        int warmupSecs = intOpt("inapp-warmup", 15);
        if (warmupSecs > 0) {
            Map<String, Long> warm = new ConcurrentHashMap<>();
            openLoop(key, intOpt("inapp-warmup-rate", 250), warmupSecs, inappBody, warm::put);
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < waitUntil && !RECEIVED.keySet().containsAll(warm.keySet())) {
                Thread.sleep(200);
            }
            long missing = warm.keySet().stream().filter(id -> !RECEIVED.containsKey(id)).count();
            System.err.printf("warm-up: %d in-app notifications, %d not received after waiting up to 60 s%n",
                    warm.size(), missing);
            Thread.sleep(1000);
            SAMPLES.clear();
            ACCEPTED.set(0);
            REJECTED_429.set(0);
            OTHER_STATUS.set(0);
            ERRORS.set(0);
            SHED.set(0);
            STATUSES.clear();
            DUP_FRAMES.set(0);
        }
        Map<String, Long> due = new ConcurrentHashMap<>();
        long wallStart = System.currentTimeMillis();
        double secs = openLoop(key, rate, seconds, inappBody, due::put);
        long wallEnd = System.currentTimeMillis();
        // Wait for stragglers: up to 30 s, until nothing new arrives for 3 s.
        long lastCount = -1;
        for (int i = 0; i < 30; i++) {
            long c = RECEIVED.size();
            long matched = due.keySet().stream().filter(RECEIVED::containsKey).count();
            if (matched >= due.size()) {
                break;
            }
            if (c == lastCount && i >= 3) {
                break;
            }
            lastCount = c;
            Thread.sleep(1000);
        }
        long[] e2e = due.entrySet().stream().filter(e -> RECEIVED.containsKey(e.getKey()))
                .mapToLong(e -> RECEIVED.get(e.getKey()) - e.getValue()).sorted().toArray();
        long[] lat = SAMPLES.stream().mapToLong(a -> a[0]).sorted().toArray();
        out("mode", "inapp");
        out("wall_start_ms", wallStart);
        out("wall_end_ms", wallEnd);
        out("clients_requested", clients);
        out("clients_connected", open.get());
        out("clients_failed", failed.get());
        out("connect_seconds", String.format("%.1f", connectSecs));
        out("seconds", String.format("%.1f", secs));
        out("target_rate", rate);
        out("accepted", ACCEPTED.get());
        out("accepted_per_s", String.format("%.0f", ACCEPTED.get() / secs));
        out("rejected_429", REJECTED_429.get());
        out("other_status", OTHER_STATUS.get() + " " + STATUSES);
        out("errors", ERRORS.get());
        out("shed", SHED.get());
        percentiles("accept_ms", lat);
        out("received", e2e.length);
        out("not_received", due.size() - e2e.length);
        out("duplicate_frames", DUP_FRAMES.get());
        percentiles("receipt_ms", e2e);
        int stillOpen = 0;
        for (WebSocket ws : sockets) {
            if (ws != null && !ws.isInputClosed()) {
                stillOpen++;
            }
        }
        out("clients_open_at_end", stillOpen);
        for (WebSocket ws : sockets) {
            if (ws != null) {
                ws.abort();
            }
        }
    }

    static final class Listener implements WebSocket.Listener {
        private final boolean ack;
        private final StringBuilder partial = new StringBuilder();

        Listener(boolean ack) {
            this.ack = ack;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            long now = System.nanoTime();
            partial.append(data);
            if (last) {
                String s = partial.toString();
                partial.setLength(0);
                if (s.contains("\"type\":\"notification\"")) {
                    int i = s.indexOf("\"id\":\"");
                    if (i >= 0) {
                        String id = s.substring(i + 6, s.indexOf('"', i + 6));
                        FRAMES.incrementAndGet();
                        if (RECEIVED.putIfAbsent(id, now) != null) {
                            DUP_FRAMES.incrementAndGet();
                        }
                        if (ack) {
                            ws.sendText("{\"type\":\"ack\",\"id\":\"" + id + "\"}", true);
                        }
                    }
                }
            }
            ws.request(1);
            return null;
        }
    }

    static PrivateKey readPkcs8(Path pem) throws Exception {
        String b64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
    }

    /** An RS256 token like api-service's TokenService mints: sub = upn = the user, no rooms, 1 h lifetime. */
    static String jwt(PrivateKey key, String issuer, String user) {
        try {
            long now = System.currentTimeMillis() / 1000;
            Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
            String header = enc.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
            String payload = enc.encodeToString(("{\"sub\":\"" + user + "\",\"upn\":\"" + user + "\",\"iss\":\"" + issuer
                    + "\",\"rooms\":[],\"iat\":" + now + ",\"exp\":" + (now + 3600) + ",\"jti\":\"" + user + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
            Signature sig = Signature.getInstance("SHA256withRSA");
            sig.initSign(key);
            sig.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "." + enc.encodeToString(sig.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
