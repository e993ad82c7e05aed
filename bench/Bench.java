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
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
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
import java.util.stream.Collectors;
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

    static final ConcurrentLinkedQueue<long[]> SAMPLES = new ConcurrentLinkedQueue<>(); // {latencyNanos, dueNanos}
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
                    SAMPLES.add(new long[] {lat, dueNanos});
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
        slowBySecond("accept", 50);
    }

    /**
     * Where the slow answers fall in time: how many took over {@code limitMs}, and the seconds of the run (counted
     * from the first request's due time) that held most of them. A tail spread over every second is contention; one
     * packed into a few seconds is a stall (a pause, a checkpoint, a burst of something else).
     */
    static void slowBySecond(String prefix, long limitMs) {
        long first = SAMPLES.stream().mapToLong(a -> a[1]).min().orElse(0);
        Map<Long, Integer> slow = new TreeMap<>();
        for (long[] sample : SAMPLES) {
            if (sample[0] > limitMs * 1_000_000) {
                slow.merge((sample[1] - first) / 1_000_000_000L, 1, Integer::sum);
            }
        }
        int total = slow.values().stream().mapToInt(Integer::intValue).sum();
        out(prefix + "_over_" + limitMs + "ms", total + " in " + slow.size() + " of the run's seconds");
        out(prefix + "_over_" + limitMs + "ms_top_seconds", slow.entrySet().stream()
                .sorted(Map.Entry.<Long, Integer>comparingByValue().reversed()).limit(8)
                .map(e -> "s" + e.getKey() + ":" + e.getValue()).collect(Collectors.joining(" ")));
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

        URI uri = URI.create(gateway);
        int parallel = intOpt("connect-parallel", 100);
        WebSocketClients sockets = new WebSocketClients(
                new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort()), uri.getRawPath(), ack);
        Semaphore connecting = new Semaphore(parallel);
        t0 = System.nanoTime();
        for (int i = 0; i < clients; i++) {
            connecting.acquire();
            sockets.connect(i, tokens[i], connecting::release);
        }
        if (!connecting.tryAcquire(parallel, 300, TimeUnit.SECONDS)) { // every handshake answered, one way or another
            System.err.println("some handshakes still unanswered after 300 s");
        }
        double connectSecs = (System.nanoTime() - t0) / 1e9;
        System.err.printf("connected %d of %d clients in %.1f s (%d failed)%n", sockets.open.get(), clients,
                connectSecs, sockets.failed.get());
        Thread.sleep(2000); // let the gateway finish the (empty) backlog reads

        BodyMaker inappBody = n -> {
            int u = ThreadLocalRandom.current().nextInt(clients);
            while (!sockets.isOpen(u)) {
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
        out("clients_connected", sockets.open.get());
        out("clients_failed", sockets.failed.get());
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
        out("clients_open_at_end", sockets.open.get());
        sockets.close();
    }

    /**
     * The in-app clients: RFC 6455 WebSocket clients over plain NIO, every socket on one selector thread. Each opens
     * with the HTTP upgrade (the user's JWT as {@code Authorization: Bearer}), then reads the server's frames (text
     * frames, answers pings with pongs and a close with a close) and writes its frames masked, as a client must.
     * {@code java.net.http} WebSockets took about a third of a core for 1,000 frames a second on the same two cores
     * as the platform under test.
     */
    static final class WebSocketClients implements Runnable {
        private static final int TEXT = 0x1, CLOSE = 0x8, PING = 0x9, PONG = 0xA, CONTINUATION = 0x0;

        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        private final InetSocketAddress address;
        private final String path;
        private final boolean ack;
        private final Selector selector;
        private final ConcurrentLinkedQueue<Client> starting = new ConcurrentLinkedQueue<>();
        private final Map<Integer, Client> byIndex = new ConcurrentHashMap<>();
        private final Thread thread;
        private volatile boolean running = true;

        WebSocketClients(InetSocketAddress address, String path, boolean ack) throws IOException {
            this.address = address;
            this.path = path.isEmpty() ? "/" : path;
            this.ack = ack;
            this.selector = Selector.open();
            this.thread = new Thread(this, "ws-clients");
            this.thread.setDaemon(true);
            this.thread.start();
        }

        /** One socket's state; touched only by the selector thread once registered. */
        private final class Client {
            final int index;
            final String token;
            final Runnable answered;
            final SocketChannel channel;
            ByteBuffer in = ByteBuffer.allocate(4096);
            ByteBuffer out;
            boolean upgraded;
            volatile boolean closed;
            StringBuilder fragments;

            Client(int index, String token, Runnable answered) throws IOException {
                this.index = index;
                this.token = token;
                this.answered = answered;
                this.channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            }
        }

        /** Starts one client's connection and handshake; {@code answered} runs once the server has said yes or no. */
        void connect(int index, String token, Runnable answered) throws IOException {
            Client client = new Client(index, token, answered);
            client.channel.connect(address);
            starting.add(client);
            selector.wakeup();
        }

        boolean isOpen(int index) {
            Client client = byIndex.get(index);
            return client != null && !client.closed;
        }

        void close() {
            running = false;
            selector.wakeup();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void run() {
            while (running) {
                try {
                    selector.select(200);
                    for (Client client; (client = starting.poll()) != null; ) {
                        client.channel.register(selector, SelectionKey.OP_CONNECT, client);
                    }
                    for (SelectionKey key : selector.selectedKeys()) {
                        Client client = (Client) key.attachment();
                        try {
                            if (key.isValid() && key.isConnectable()) {
                                client.channel.finishConnect();
                                key.interestOps(SelectionKey.OP_READ);
                                send(key, upgradeRequest(client));
                            }
                            if (key.isValid() && key.isWritable()) {
                                flush(key);
                            }
                            if (key.isValid() && key.isReadable()) {
                                read(key);
                            }
                        } catch (IOException | RuntimeException e) {
                            lost(key, e);
                        }
                    }
                    selector.selectedKeys().clear();
                } catch (IOException e) {
                    System.err.println("ws selector: " + e);
                }
            }
            for (SelectionKey key : selector.keys()) {
                try {
                    key.channel().close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }

        private ByteBuffer upgradeRequest(Client client) {
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString(nonce) + "\r\nAuthorization: Bearer " + client.token + "\r\n\r\n";
            return ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
        }

        private void read(SelectionKey key) throws IOException {
            Client client = (Client) key.attachment();
            long now = System.nanoTime();
            if (!client.in.hasRemaining()) {
                client.in = ByteBuffer.allocate(client.in.capacity() * 2).put(client.in.flip());
            }
            int n = client.channel.read(client.in);
            if (n < 0) {
                lost(key, new IOException("closed by the server"));
                return;
            }
            client.in.flip();
            try {
                if (!client.upgraded && !handshake(key, client)) {
                    return;
                }
                while (!client.closed && frame(key, client, now)) {
                    // one frame handled; look for the next
                }
            } finally {
                client.in.compact();
            }
        }

        /** Reads the upgrade's answer once it is all in; false while it is not (or when it was a no). */
        private boolean handshake(SelectionKey key, Client client) throws IOException {
            ByteBuffer in = client.in;
            int end = -1;
            for (int i = in.position(); i + 3 < in.limit(); i++) {
                if (in.get(i) == '\r' && in.get(i + 1) == '\n' && in.get(i + 2) == '\r' && in.get(i + 3) == '\n') {
                    end = i + 4;
                    break;
                }
            }
            if (end < 0) {
                return false;
            }
            byte[] head = new byte[end - in.position()];
            in.get(head);
            String status = new String(head, StandardCharsets.US_ASCII).lines().findFirst().orElse("");
            if (!status.startsWith("HTTP/1.1 101")) {
                if (failed.incrementAndGet() <= 3) {
                    System.err.println("connect failed: " + status);
                }
                client.closed = true;
                key.cancel();
                client.channel.close();
                client.answered.run();
                return false;
            }
            client.upgraded = true;
            byIndex.put(client.index, client);
            open.incrementAndGet();
            client.answered.run();
            return true;
        }

        /** Handles one whole frame from the buffer; false when the next frame is not all in yet. */
        private boolean frame(SelectionKey key, Client client, long now) throws IOException {
            ByteBuffer in = client.in;
            int start = in.position();
            if (in.remaining() < 2) {
                return false;
            }
            int b0 = in.get(start) & 0xFF;
            int b1 = in.get(start + 1) & 0xFF;
            long length = b1 & 0x7F;
            int header = 2;
            if (length == 126) {
                if (in.remaining() < 4) {
                    return false;
                }
                length = in.getShort(start + 2) & 0xFFFF;
                header = 4;
            } else if (length == 127) {
                if (in.remaining() < 10) {
                    return false;
                }
                length = in.getLong(start + 2);
                header = 10;
            }
            int maskBytes = (b1 & 0x80) != 0 ? 4 : 0; // a server must not mask, but read it right if it does
            if (in.remaining() < header + maskBytes + length) {
                return false;
            }
            byte[] payload = new byte[(int) length];
            in.position(start + header + maskBytes);
            in.get(payload);
            if (maskBytes > 0) {
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= in.get(start + header + (i & 3));
                }
            }
            boolean fin = (b0 & 0x80) != 0;
            switch (b0 & 0x0F) {
                case TEXT, CONTINUATION -> text(key, client, payload, fin, now);
                case PING -> send(key, frame(PONG, payload));
                case CLOSE -> {
                    send(key, frame(CLOSE, payload.length >= 2 ? Arrays.copyOf(payload, 2) : new byte[0]));
                    lost(key, null);
                }
                default -> {
                    // pong or binary: nothing for a client of ours to do
                }
            }
            return true;
        }

        private void text(SelectionKey key, Client client, byte[] payload, boolean fin, long now) throws IOException {
            String part = new String(payload, StandardCharsets.UTF_8);
            if (!fin || client.fragments != null) {
                client.fragments = client.fragments == null ? new StringBuilder(part) : client.fragments.append(part);
                if (!fin) {
                    return;
                }
                part = client.fragments.toString();
                client.fragments = null;
            }
            if (part.contains("\"type\":\"notification\"")) {
                int i = part.indexOf("\"id\":\"");
                if (i >= 0) {
                    String id = part.substring(i + 6, part.indexOf('"', i + 6));
                    FRAMES.incrementAndGet();
                    if (RECEIVED.putIfAbsent(id, now) != null) {
                        DUP_FRAMES.incrementAndGet();
                    }
                    if (ack) {
                        send(key, frame(TEXT, ("{\"type\":\"ack\",\"id\":\"" + id + "\"}")
                                .getBytes(StandardCharsets.UTF_8)));
                    }
                }
            }
        }

        /** A client frame: FIN, the opcode, the length and the payload masked with a fresh key (RFC 6455 5.3). */
        private static ByteBuffer frame(int opcode, byte[] payload) {
            int extra = payload.length < 126 ? 0 : payload.length <= 0xFFFF ? 2 : 8;
            ByteBuffer frame = ByteBuffer.allocate(2 + extra + 4 + payload.length);
            frame.put((byte) (0x80 | opcode));
            if (extra == 0) {
                frame.put((byte) (0x80 | payload.length));
            } else if (extra == 2) {
                frame.put((byte) (0x80 | 126)).putShort((short) payload.length);
            } else {
                frame.put((byte) (0x80 | 127)).putLong(payload.length);
            }
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            frame.put(mask);
            for (int i = 0; i < payload.length; i++) {
                frame.put((byte) (payload[i] ^ mask[i & 3]));
            }
            return frame.flip();
        }

        private void send(SelectionKey key, ByteBuffer bytes) throws IOException {
            Client client = (Client) key.attachment();
            if (client.out == null || !client.out.hasRemaining()) {
                client.out = bytes;
            } else {
                client.out = ByteBuffer.allocate(client.out.remaining() + bytes.remaining()).put(client.out).put(bytes)
                        .flip();
            }
            flush(key);
        }

        private void flush(SelectionKey key) throws IOException {
            Client client = (Client) key.attachment();
            if (client.out != null) {
                client.channel.write(client.out);
            }
            boolean pending = client.out != null && client.out.hasRemaining();
            key.interestOps(pending ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        private void lost(SelectionKey key, Exception cause) {
            Client client = (Client) key.attachment();
            if (!client.closed) {
                client.closed = true;
                if (client.upgraded) {
                    open.decrementAndGet();
                } else {
                    if (failed.incrementAndGet() <= 3) {
                        System.err.println("connect failed: " + cause);
                    }
                    client.answered.run();
                }
            }
            key.cancel();
            try {
                client.channel.close();
            } catch (IOException ignored) {
                // gone either way
            }
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
