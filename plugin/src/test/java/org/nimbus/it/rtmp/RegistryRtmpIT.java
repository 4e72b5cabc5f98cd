package org.nimbus.it.rtmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nimbus.it.Red5Install;
import org.nimbus.it.rtmp.RtmpClient.ObjectEncoding;

/**
 * The registry over RTMP NetConnections to the "nimbus" application of a real Red5 install:
 * {@code registry(request)} calls and {@code onRegistry(message)} calls back, through
 * {@link RtmpClient} (Red5's own codec on a plain socket). One client of each pair speaks AMF0,
 * the other AMF3, as Flash does with each objectEncoding.
 */
class RegistryRtmpIT {
    private static final String SECRET = "rtmp-it-secret-0123456789";
    /** Red5's keep-alive, shortened so that a silent NetConnection is dropped within the test. */
    private static final int PING_INTERVAL_MS = 500;
    private static final int MAX_INACTIVITY_MS = 3000;
    private static Red5Install red5;
    private static String url;

    @BeforeAll
    static void start() throws Exception {
        red5 = Red5Install.copy(Map.of("registry.secret", SECRET));
        Path props = red5.home.resolve("conf/red5.properties");
        String shortened = Files.readString(props)
                .replaceAll("(?m)^rtmp\\.ping_interval=.*$", "rtmp.ping_interval=" + PING_INTERVAL_MS)
                .replaceAll("(?m)^rtmp\\.max_inactivity=.*$", "rtmp.max_inactivity=" + MAX_INACTIVITY_MS);
        assertTrue(shortened.contains("rtmp.max_inactivity=" + MAX_INACTIVITY_MS), shortened);
        Files.writeString(props, shortened);
        red5.start();
        red5.awaitHttp(Duration.ofSeconds(90)); // the nimbus app scope exists once the webapps are up
        url = "rtmp://127.0.0.1:" + red5.rtmpPort + "/nimbus";
    }

    @AfterAll
    static void stop() throws Exception {
        if (red5 != null) {
            red5.close();
        }
    }

    /** A token from the demo endpoint, the way the demo page gets one. */
    private static String demoToken(String name) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + red5.httpPort + "/demo/token?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
        return o.get("token").getAsString();
    }

    private static String mintedToken(String name, long expiry) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return name + ":" + expiry + ":" + HexFormat.of().formatHex(mac.doFinal((name + ":" + expiry).getBytes(StandardCharsets.UTF_8)));
    }

    private static String peerId(int n) {
        return String.format("%064x", n);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> registry(RtmpClient c, Object request) throws Exception {
        return assertInstanceOf(Map.class, c.call("registry", request), "reply to " + request);
    }

    private static Map<String, Object> hello(RtmpClient c, String token) throws Exception {
        return registry(c, Map.of("op", "hello", "v", 1, "token", token));
    }

    private static void assertOp(String op, Map<String, Object> reply) {
        assertEquals(op, reply.get("op"), reply.toString());
    }

    private static void assertError(String code, Map<String, Object> reply) {
        assertOp("error", reply);
        assertEquals(code, reply.get("code"), reply.toString());
    }

    /** AMF arrays come back as lists or Java arrays depending on the encoding. */
    private static List<?> list(Object amfArray) {
        return amfArray instanceof Object[] a ? Arrays.asList(a) : assertInstanceOf(List.class, amfArray);
    }

    private static double number(Object amfNumber) {
        return assertInstanceOf(Number.class, amfNumber).doubleValue();
    }

    /** The next {@code onRegistry(message)} the server called with the given op. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> awaitRegistry(RtmpClient c, String op) throws InterruptedException {
        ServerCall call = c.awaitCall(sc -> sc.method().equals("onRegistry") && sc.arg(0) instanceof Map<?, ?> m
                && op.equals(m.get("op")), RtmpClient.TIMEOUT);
        return (Map<String, Object>) call.arg(0);
    }

    @Test
    void twoNetConnectionsRegisterFindEachOtherFollowPresenceAndRelay() throws Exception {
        try (RtmpClient alice = RtmpClient.connect(url, ObjectEncoding.AMF0);
             RtmpClient bob = RtmpClient.connect(url, ObjectEncoding.AMF3)) {
            Map<String, Object> welcome = registry(alice, Map.of("op", "hello", "v", 1, "token", demoToken("Alice"), "id", 7));
            assertOp("welcome", welcome);
            assertEquals("Alice", welcome.get("name"));
            assertEquals(false, welcome.get("guest"));
            assertEquals(7.0, number(welcome.get("id")));
            assertEquals("bob", hello(bob, demoToken("bob")).get("name"));

            Map<String, Object> subscribed = registry(alice, Map.of("op", "subscribe", "names", List.of("BOB")));
            assertOp("subscribed", subscribed);
            assertTrue(list(subscribed.get("online")).isEmpty(), subscribed.toString());

            assertOp("registered", registry(bob, Map.of("op", "register", "peerId", peerId(2))));
            Map<String, Object> online = awaitRegistry(alice, "presence");
            assertEquals("bob", online.get("name"));
            assertEquals(true, online.get("online"));
            Map<String, Object> registered = registry(alice, Map.of("op", "register", "peerId", peerId(1)));
            assertEquals(peerId(1), registered.get("peerId"));

            Map<String, Object> found = registry(bob, Map.of("op", "lookup", "name", "alice"));
            assertOp("found", found);
            assertEquals("Alice", found.get("name"));
            assertEquals(true, found.get("online"));
            assertEquals(List.of(peerId(1)), list(found.get("peerIds")));
            assertEquals(List.of(peerId(2)), list(registry(alice, Map.of("op", "lookup", "name", "Bob")).get("peerIds")));

            Map<String, Object> sent = registry(bob, Map.of("op", "send", "to", "Alice", "text", "hello over RTMP"));
            assertOp("sent", sent);
            assertEquals(1.0, number(sent.get("delivered")));
            Map<String, Object> m = awaitRegistry(alice, "message");
            assertEquals("bob", m.get("from"));
            assertEquals("hello over RTMP", m.get("text"));
            assertTrue(Math.abs(number(m.get("ts")) - System.currentTimeMillis()) < 60_000, m.toString());
            registry(alice, Map.of("op", "send", "to", "bob", "text", "and back, ünïcode ✓"));
            assertEquals("and back, ünïcode ✓", awaitRegistry(bob, "message").get("text"));

            long closedAt = System.nanoTime();
            bob.close();
            Map<String, Object> offline = awaitRegistry(alice, "presence");
            assertEquals("bob", offline.get("name"));
            assertEquals(false, offline.get("online"));
            System.out.printf("RTMP close to presence offline: %d ms%n", (System.nanoTime() - closedAt) / 1_000_000);
            assertFalse((Boolean) registry(alice, Map.of("op", "lookup", "name", "bob")).get("online"));
            assertError("unknown-user", registry(alice, Map.of("op", "send", "to", "bob", "text", "gone?")));
        }
    }

    private static Map<String, Object> awaitPresence(RtmpClient c, String name, boolean online, Duration timeout)
            throws InterruptedException {
        ServerCall call = c.awaitCall(sc -> sc.method().equals("onRegistry") && sc.arg(0) instanceof Map<?, ?> m
                && "presence".equals(m.get("op")) && name.equals(m.get("name")) && m.get("online").equals(online), timeout);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) call.arg(0);
        return m;
    }

    /** Relay-only registration (an AMF boolean) over NetConnection calls, in either encoding. */
    @Test
    void aRelayOnlyNetConnectionIsOnlineAndGetsRelayedSendsWithNoPeerId() throws Exception {
        try (RtmpClient page = RtmpClient.connect(url, ObjectEncoding.AMF3);
             RtmpClient asker = RtmpClient.connect(url, ObjectEncoding.AMF0)) {
            assertOp("welcome", hello(page, demoToken("RelayOnly")));
            assertOp("welcome", hello(asker, demoToken("relayAsker")));
            assertError("bad-request", registry(page, Map.of("op", "register", "relay", true, "peerId", peerId(5))));
            Map<String, Object> reg = registry(page, Map.of("op", "register", "relay", true));
            assertOp("registered", reg);
            assertEquals("RelayOnly", reg.get("name"));
            assertEquals(true, reg.get("relay"));
            Map<String, Object> found = registry(asker, Map.of("op", "lookup", "name", "relayonly"));
            assertEquals(true, found.get("online"), found.toString());
            assertTrue(list(found.get("peerIds")).isEmpty(), found.toString());
            Map<String, Object> sent = registry(asker, Map.of("op", "send", "to", "relayonly", "text", "by relay"));
            assertEquals(1.0, number(sent.get("delivered")), sent.toString());
            assertEquals("by relay", awaitRegistry(page, "message").get("text"));
            assertOp("unregistered", registry(page, Map.of("op", "unregister", "relay", true)));
            assertEquals(false, registry(asker, Map.of("op", "lookup", "name", "relayonly")).get("online"));
        }
    }

    @Test
    void aSilentNetConnectionIsDroppedWhileAnIdleOneThatAnswersPingsStays() throws Exception {
        try (RtmpClient watcher = RtmpClient.connect(url, ObjectEncoding.AMF0);
             RtmpClient dora = RtmpClient.connect(url, ObjectEncoding.AMF3);
             RtmpClient eve = RtmpClient.connect(url, ObjectEncoding.AMF0)) {
            hello(watcher, demoToken("walt"));
            registry(watcher, Map.of("op", "subscribe", "names", List.of("dora", "eve")));
            hello(dora, demoToken("dora"));
            registry(dora, Map.of("op", "register", "peerId", peerId(6)));
            hello(eve, demoToken("eve"));
            registry(eve, Map.of("op", "register", "peerId", peerId(7)));
            awaitPresence(watcher, "dora", true, RtmpClient.TIMEOUT);
            awaitPresence(watcher, "eve", true, RtmpClient.TIMEOUT);

            long start = System.nanoTime();
            eve.stopResponding(); // a host that vanished: no pongs, no close
            awaitPresence(watcher, "eve", false, Duration.ofMillis(3L * MAX_INACTIVITY_MS + 5000));
            long ms = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("silent RTMP client dropped after %d ms (max_inactivity %d ms)%n", ms, MAX_INACTIVITY_MS);
            assertTrue(ms >= MAX_INACTIVITY_MS - PING_INTERVAL_MS, "dropped after only " + ms + " ms");
            eve.closed().get(RtmpClient.TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);

            // dora sent nothing since before eve went silent, but answered Red5's pings
            assertEquals(true, registry(watcher, Map.of("op", "lookup", "name", "dora")).get("online"));
            assertOp("pong", registry(dora, Map.of("op", "ping")));
            assertFalse(dora.closed().isDone());
        }
    }

    @Test
    void forgedAndExpiredTokensAreRefusedAndTheConnectionStays() throws Exception {
        try (RtmpClient c = RtmpClient.connect(url, ObjectEncoding.AMF0)) {
            String forged = demoToken("carol").replaceFirst("^carol:", "admin:");
            assertError("bad-token", hello(c, forged));
            assertError("token-expired", hello(c, mintedToken("carol", Instant.now().getEpochSecond() - 5)));
            assertError("not-authenticated", registry(c, Map.of("op", "register", "peerId", peerId(3))));
            assertEquals("carol", hello(c, demoToken("carol")).get("name"));
            assertError("already-authenticated", hello(c, demoToken("carol")));
        }
    }

    @Test
    void guestsGetDistinctNamesOverEitherEncoding() throws Exception {
        try (RtmpClient g1 = RtmpClient.connect(url, ObjectEncoding.AMF0);
             RtmpClient g2 = RtmpClient.connect(url, ObjectEncoding.AMF3)) {
            Map<String, Object> w1 = registry(g1, Map.of("op", "hello", "v", 1, "guest", true));
            Map<String, Object> w2 = registry(g2, Map.of("op", "hello", "v", 1, "guest", true));
            assertEquals(true, w1.get("guest"));
            assertTrue(((String) w1.get("name")).matches("guest-[a-z2-7]{8}"), w1.toString());
            assertTrue(((String) w2.get("name")).matches("guest-[a-z2-7]{8}"), w2.toString());
            assertNotEquals(w1.get("name"), w2.get("name"));
            assertOp("registered", registry(g2, Map.of("op", "register", "peerId", peerId(4))));
            assertEquals(List.of(peerId(4)), list(registry(g1, Map.of("op", "lookup", "name", w2.get("name"))).get("peerIds")));
        }
    }

    @Test
    void badRequestsGetErrorReplies() throws Exception {
        try (RtmpClient c = RtmpClient.connect(url, ObjectEncoding.AMF3)) {
            assertError("bad-request", registry(c, "not an object"));
            assertError("unknown-op", registry(c, Map.of("op", "teleport")));
            assertError("bad-version", registry(c, Map.of("op", "hello", "v", 2, "guest", true)));
            assertOp("pong", registry(c, Map.of("op", "ping")));
        }
    }

    @Test
    void anUnknownApplicationIsRejected() {
        RtmpCallException e = assertThrows(RtmpCallException.class,
                () -> RtmpClient.connect("rtmp://127.0.0.1:" + red5.rtmpPort + "/no-such-app", ObjectEncoding.AMF0));
        assertEquals("NetConnection.Connect.InvalidApp", e.code(), String.valueOf(e.info()));
    }
}
