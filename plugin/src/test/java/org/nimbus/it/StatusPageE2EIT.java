package org.nimbus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.nimbus.conformance.cli.Main;

/**
 * The status page and /nimbus/metrics against the assembled install behind HTTP Basic: wrong or
 * missing credentials get 401; a kit load run (handshake mix) runs while the page's data and the
 * metrics are fetched over and over, each answer within 100 ms; then the metrics carry the counts
 * the run produced, and headless Chromium (flash-client/e2e/status.e2e.mjs) checks the plots are
 * drawn and match the run, secrets are masked and markup in a value stays text. The screenshot is
 * target/status-e2e/status.png.
 */
class StatusPageE2EIT {
    private static final String USER = "<img src=x onerror=window.pwned=1>";
    private static final String PASSWORD = "pw-" + Long.toHexString(System.nanoTime());
    private static final String SECRET = "secret-" + Long.toHexString(System.nanoTime());
    private static final Pattern ESTABLISHED = Pattern.compile("(\\d+) started, (\\d+) established, (\\d+) failed");
    private static final long LIMIT_MILLIS = 100;
    private static final Pattern NIMBUS_APP = Pattern.compile("\\{\"name\":\"nimbus\",\"rtmfp\":(\\d+)");
    private static final Pattern CONNECTED = Pattern.compile("NetConnections: (\\d+) connected to 'nimbus', 0 failed");
    private static final Pattern LOOKUPS = Pattern.compile("lookups: (\\d+) found, 0 failed");
    private static final int CALLERS = 4;
    private static final int FANOUT_PLAYERS = 2;
    private static final Pattern LIVE_APP = Pattern.compile("\\{\"name\":\"live\",\"rtmfp\":(\\d+),\"rtmp\":(\\d+),\"streams\":(\\d+)");
    private static final Pattern PLAYERS = Pattern.compile("players: (\\d+) RTMFP \\+ (\\d+) RTMP playing '[^']*' \\(0 failed\\)");
    private static final Pattern SENT_TO_UP = Pattern.compile("handshake \\(sent→up\\)\\s+n=\\d+\\s+p50 ([0-9.]+)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void thePageAndTheMetricsShowWhatAKitRunDid() throws Exception {
        Path install = Red5Install.assembled().toAbsolutePath();
        Path repo = install.getParent().getParent().getParent();
        Path chromium = Path.of(System.getProperty("nimbus.chromium", "/usr/bin/chromium"));
        assertTrue(Files.isExecutable(chromium), "no Chromium at " + chromium + ": install Debian's chromium package");
        try (Red5Install red5 = Red5Install.copy(Map.of("status.access", "basic", "status.user", USER,
                "status.password", PASSWORD, "registry.secret", SECRET))) {
            red5.start();
            red5.awaitLine(Pattern.compile("Nimbus \\S+ started: RTMFP on udp"), Duration.ofSeconds(90));
            red5.awaitHttp(Duration.ofSeconds(90));
            String base = "http://127.0.0.1:" + red5.httpPort + "/nimbus/";
            String good = basic(USER, PASSWORD);
            for (String p : List.of("status", "status.json", "metrics")) {
                assertEquals(401, get(base + p, null).statusCode(), p + " without credentials");
                assertEquals(401, get(base + p, basic(USER, PASSWORD + "x")).statusCode(), p + " with a wrong password");
                assertEquals(401, get(base + p, "Basic !!notbase64").statusCode(), p + " with garbage");
                assertEquals(200, get(base + p, good).statusCode(), p + " with the right credentials");
            }
            HttpResponse<String> page = get(base + "status", good);
            assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            assertTrue(!page.body().contains("src=\"http") && !page.body().contains("href=\"http"), "no external assets");

            // The load run, with the page's data and the metrics fetched throughout.
            for (int i = 0; i < 20; i++) { // warm: Tomcat's connection, the JIT
                get(base + "status.json", good);
                get(base + "metrics", good);
            }
            List<Long> millis = Collections.synchronizedList(new ArrayList<>());
            List<Double> serverMillis = Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.atomic.AtomicInteger mostRtmfpInNimbus = new java.util.concurrent.atomic.AtomicInteger();
            int[] mostInLive = new int[3]; // RTMFP, RTMP connections and streams of the live app
            AtomicBoolean running = new AtomicBoolean(true);
            Thread poller = new Thread(() -> {
                while (running.get()) {
                    for (String p : List.of("status.json", "metrics")) {
                        long t0 = System.nanoTime();
                        try {
                            HttpResponse<String> r = get(base + p, good);
                            if (r.statusCode() == 200) {
                                millis.add((System.nanoTime() - t0) / 1_000_000);
                                double ms = Double.parseDouble(r.headers().firstValue("Server-Timing").orElseThrow()
                                        .replaceFirst("^app;dur=", ""));
                                serverMillis.add(ms);
                                if (ms > 20) {
                                    System.out.printf("slow %s: %.2f ms%n", p, ms);
                                }
                                Matcher app = NIMBUS_APP.matcher(r.body());
                                if (app.find()) {
                                    mostRtmfpInNimbus.accumulateAndGet(Integer.parseInt(app.group(1)), Math::max);
                                }
                                Matcher live = LIVE_APP.matcher(r.body());
                                if (live.find()) {
                                    synchronized (mostInLive) {
                                        for (int i = 0; i < 3; i++) {
                                            mostInLive[i] = Math.max(mostInLive[i], Integer.parseInt(live.group(i + 1)));
                                        }
                                    }
                                }
                            }
                        } catch (Exception e) {
                            millis.add(Long.MAX_VALUE);
                        }
                    }
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "status-poller");
            String uri = "rtmfp://127.0.0.1:" + red5.rtmfpPort + "/nimbus";
            int established = 0;
            double[] p50 = new double[4];
            for (int run = 0; run < 4; run++) {
                if (run == 2) {
                    poller.start(); // runs 0 (warming) and 1 without the poller, 2 and 3 with it
                }
                String out = kit(uri, "--load", "sessions=40,rate=40,duration=5s,mix=handshake");
                Matcher m = ESTABLISHED.matcher(out);
                assertTrue(m.find(), out);
                assertEquals("0", m.group(3), out);
                established += Integer.parseInt(m.group(2));
                Matcher lat = SENT_TO_UP.matcher(out);
                assertTrue(lat.find(), out);
                p50[run] = Double.parseDouble(lat.group(1));
            }
            // Reported, not asserted: on a shared machine the kit's own latency varies more than this.
            System.out.printf("kit handshake p50 (sent→up): %.2f ms without polling, %.2f / %.2f ms with%n", p50[1], p50[2], p50[3]);
            // NetConnections to the nimbus app (one session each), then registry lookups over TCP.
            String calls = kit(uri, "--load", "sessions=" + CALLERS + ",rate=8,duration=2s,mix=call");
            Matcher connected = CONNECTED.matcher(calls);
            assertTrue(connected.find(), calls);
            int netConnections = Integer.parseInt(connected.group(1));
            assertEquals(CALLERS, netConnections, calls);
            established += netConnections;
            String lookupRun = kit(uri, "--registry-tcp", "127.0.0.1:" + red5.registryTcpPort, "--load",
                    "sessions=10,rate=20,duration=2s,mix=lookup");
            Matcher found = LOOKUPS.matcher(lookupRun);
            assertTrue(found.find(), lookupRun);
            long lookups = Long.parseLong(found.group(1));
            // One live stream in the live app: an RTMFP publisher, RTMFP and RTMP players.
            String fanout = kit("rtmfp://127.0.0.1:" + red5.rtmfpPort + "/live", "--rtmp", "rtmp://127.0.0.1:" + red5.rtmpPort + "/live",
                    "--load", "sessions=" + FANOUT_PLAYERS + ",rate=10,duration=2s,mix=fanout");
            Matcher players = PLAYERS.matcher(fanout);
            assertTrue(players.find(), fanout);
            assertEquals(FANOUT_PLAYERS, Integer.parseInt(players.group(1)), fanout);
            assertEquals(FANOUT_PLAYERS, Integer.parseInt(players.group(2)), fanout);
            running.set(false);
            poller.join(10_000);
            List<Long> sorted = new ArrayList<>(millis);
            Collections.sort(sorted);
            assertTrue(sorted.size() > 10, "requests answered during the run: " + sorted.size());
            long max = sorted.get(sorted.size() - 1);
            List<Double> server = new ArrayList<>(serverMillis);
            Collections.sort(server);
            System.out.printf("status.json and metrics under the handshake mix: n=%d round trip p50 %d ms p95 %d ms p99 %d ms max %d ms;"
                            + " computed in p50 %.2f ms max %.2f ms%n", sorted.size(), sorted.get(sorted.size() / 2),
                    sorted.get(sorted.size() * 95 / 100), sorted.get(sorted.size() * 99 / 100), max, server.get(server.size() / 2), server.get(server.size() - 1));
            // Round trips include the test JVM's own scheduling next to the kit's crypto: p95; the
            // server's own time for every answer (Server-Timing) must stay within the limit.
            assertTrue(sorted.get(sorted.size() * 95 / 100) <= LIMIT_MILLIS, "round trips under load: " + sorted);
            assertTrue(server.get(server.size() - 1) <= LIMIT_MILLIS, "server-side times under load: " + server);
            assertEquals(CALLERS, mostRtmfpInNimbus.get(), "the nimbus app's RTMFP connections seen during the call run");
            synchronized (mostInLive) {
                assertEquals(FANOUT_PLAYERS + 1, mostInLive[0], "the live app's RTMFP connections (players and publisher) during fanout");
                assertEquals(FANOUT_PLAYERS, mostInLive[1], "the live app's RTMP connections during fanout");
                assertEquals(1, mostInLive[2], "the live app's streams during fanout");
            }

            // The metrics carry the counts the runs produced.
            String metrics = get(base + "metrics", good).body();
            assertTrue(value(metrics, "nimbus_tc_publishes_total{transport=\"rtmfp\"}") >= 1, metrics);
            assertTrue(value(metrics, "nimbus_tc_plays_total{transport=\"rtmfp\"}") >= FANOUT_PLAYERS, metrics);
            assertTrue(value(metrics, "nimbus_tc_plays_total{transport=\"rtmp\"}") >= FANOUT_PLAYERS, metrics);
            established += FANOUT_PLAYERS + 1; // the fanout's RTMFP players and publisher, a session each
            assertEquals(established, (long) value(metrics, "nimbus_rtmfp_handshakes_total{outcome=\"established\"}"), metrics);
            assertEquals(established, (long) value(metrics, "nimbus_rtmfp_handshake_seconds_count"), metrics);
            assertTrue(value(metrics, "nimbus_rtmfp_handshakes_total{outcome=\"rhello\"}") >= established, metrics);
            assertEquals(netConnections + FANOUT_PLAYERS + 1, (long) value(metrics, "nimbus_tc_connects_total"), metrics);
            assertEquals(lookups, (long) value(metrics, "nimbus_registry_lookups_total{transport=\"tcp\"}"), metrics);
            assertEquals(lookups, (long) value(metrics, "nimbus_registry_lookup_seconds_count{transport=\"tcp\"}"), metrics);
            assertEquals(0, (long) value(metrics, "nimbus_registry_connections{transport=\"tcp\"}"), "the lookup run's connections closed");
            for (String meter : List.of("nimbus_rtmfp_sessions ", "nimbus_rtmfp_receive_buffer_bytes ", "nimbus_registry_accounts ",
                    "nimbus_tc_keys ", "nimbus_tc_publishes_total{transport=\"rtmfp\"}", "nimbus_app_connections{app=\"nimbus\",transport=\"rtmfp\"}",
                    "nimbus_rtmfp_handshake_seconds_bucket{le=\"0.001\"}", "jvm_memory_used_bytes{")) {
                assertTrue(metrics.contains("\n" + meter), "metrics lack " + meter + ":\n" + metrics);
            }
            assertTrue(metrics.contains("# TYPE nimbus_rtmfp_handshakes_total counter"), metrics);

            // The page, in Chromium.
            Path shot = install.getParent().resolve("status-e2e/status.png");
            Files.deleteIfExists(shot);
            Path log = Files.createTempFile("nimbus-status-e2e-", ".log");
            Process node = new ProcessBuilder(List.of("node", repo.resolve("flash-client/e2e/status.e2e.mjs").toString(),
                    "--base", "http://127.0.0.1:" + red5.httpPort, "--user", USER, "--password", PASSWORD,
                    "--secret", SECRET, "--probe", USER, "--expect-handshakes", Integer.toString(established),
                    "--screenshot", shot.toString(), "--chromium", chromium.toString()))
                    .directory(repo.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean ended = node.waitFor(120, TimeUnit.SECONDS);
            if (!ended) {
                node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            System.out.println(out);
            assertTrue(ended, "the status E2E run did not end:\n" + out);
            assertEquals(0, node.exitValue(), () -> "status E2E failed:\n" + out + "\n--- Red5:\n" + red5.output());
            for (String step : List.of("six plots drawn", "= sessions the kit established", "= the run's " + established,
                    "registry.secret and status.password masked", "a value with markup is shown as text", "applications live, nimbus",
                    "E2E PASS")) {
                assertTrue(out.contains(step), "missing step '" + step + "' in:\n" + out);
            }
            assertTrue(Files.size(shot) > 10_000, "screenshot " + shot);
        }
    }

    /** status.access=allow refuses what its list does not hold (403); off serves nothing (404). */
    @Test
    void anAllowListRefusesOthersAndOffServesNothing() throws Exception {
        for (Map<String, String> props : List.of(Map.of("status.access", "allow", "status.allow", "10.9.9.0/24,::2"),
                Map.<String, String>of())) {
            try (Red5Install red5 = Red5Install.copy(props)) {
                red5.start();
                red5.awaitHttp(Duration.ofSeconds(90));
                int expected = props.isEmpty() ? 404 : 403;
                for (String p : List.of("status", "status.json", "metrics")) {
                    assertEquals(expected, get("http://127.0.0.1:" + red5.httpPort + "/nimbus/" + p, null).statusCode(), p + " " + props);
                }
            }
        }
        try (Red5Install red5 = Red5Install.copy(Map.of("status.access", "allow", "status.allow", "127.0.0.0/8"))) {
            red5.start();
            red5.awaitHttp(Duration.ofSeconds(90));
            HttpResponse<String> m = get("http://127.0.0.1:" + red5.httpPort + "/nimbus/metrics", null);
            assertEquals(200, m.statusCode());
            assertTrue(m.body().contains("\nnimbus_rtmfp_sessions "), m.body());
        }
    }

    private static String kit(String uri, String... args) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int code;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            String[] all = new String[args.length + 1];
            all[0] = uri;
            System.arraycopy(args, 0, all, 1, args.length);
            code = Main.run(all);
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        original.print(out);
        assertEquals(0, code, out);
        return out;
    }

    /** The value of one sample line of the Prometheus text. */
    private static double value(String metrics, String sample) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).trim().split(" ")[0]);
            }
        }
        throw new AssertionError("no sample " + sample + " in:\n" + metrics);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> get(String url, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
