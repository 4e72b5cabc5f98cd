package org.nimbus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.nimbus.conformance.registry.FrameReader;
import org.nimbus.conformance.registry.RegistryConnection;
import org.nimbus.conformance.registry.TcpRegistryConnection;
import org.nimbus.conformance.registry.WsRegistryConnection;

/**
 * The registry of a real Red5 install, over real TCP and WebSocket connections (the conformance
 * kit's registry client): the WebSocket is Red5's Tomcat's, at /nimbus/registry on the HTTP port,
 * and on the optional separate port (registry.ws.bind), set here. The last test stops the install
 * with Red5's token shutdown.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryIT {
    private static final String SECRET = "it-secret-0123456789";
    private static final int KEEPALIVE = 2;
    private static final int PER_IP = 24;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static Red5Install red5;
    private static int separatePort;

    @BeforeAll
    static void start() throws Exception {
        separatePort = Red5Install.freeTcpPort();
        red5 = Red5Install.copy(Map.of("registry.secret", SECRET, "registry.keepalive_seconds", "" + KEEPALIVE,
                "registry.frame_timeout_seconds", "2", "registry.max_frame_bytes", "4096",
                "registry.max_connections_per_ip", "" + PER_IP, "registry.ws.bind", "127.0.0.1:" + separatePort));
        red5.start();
        red5.awaitLine(Pattern.compile("Nimbus registry started: tcp 127\\.0\\.0\\.1:" + red5.registryTcpPort + ";"),
                Duration.ofSeconds(60));
        red5.awaitLine(Pattern.compile("Nimbus registry WebSocket at /nimbus/registry on Red5's HTTP port$"), Duration.ofSeconds(60));
        red5.awaitLine(Pattern.compile("Nimbus registry WebSocket also on 127\\.0\\.0\\.1:" + separatePort
                + " \\(registry\\.ws\\.bind\\), paths \\[/, /nimbus/registry\\]"), Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() throws Exception {
        if (red5 != null) {
            red5.close();
        }
    }

    private static TcpRegistryConnection tcp() throws IOException {
        return new TcpRegistryConnection(new InetSocketAddress("127.0.0.1", red5.registryTcpPort), WAIT);
    }

    private static WsRegistryConnection ws() throws IOException {
        return new WsRegistryConnection(red5.registryWsUri(), WAIT);
    }

    private static WsRegistryConnection separate(String path) throws IOException {
        return new WsRegistryConnection(URI.create("ws://127.0.0.1:" + separatePort + path), WAIT);
    }

    private static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }

    /** Sends a request with a fresh id and returns the frame carrying that id. */
    private static JsonObject call(RegistryConnection c, String request) throws Exception {
        return c.call(json(request), WAIT);
    }

    private static String token(String name, long expiry) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return name + ":" + expiry + ":" + HexFormat.of().formatHex(mac.doFinal((name + ":" + expiry).getBytes(StandardCharsets.UTF_8)));
    }

    private static String hello(String name) throws Exception {
        return "{\"op\":\"hello\",\"v\":1,\"token\":\"" + token(name, Instant.now().getEpochSecond() + 600) + "\"}";
    }

    private static String peerId(int n) {
        return String.format("%064x", n);
    }

    private static String op(JsonObject o) {
        return o.get("op").getAsString();
    }

    private static void assertError(String code, JsonObject o) {
        assertEquals("error", op(o), o.toString());
        assertEquals(code, o.get("code").getAsString(), o.toString());
    }

    @Test
    void tcpAndWebSocketUsersFindEachOtherFollowPresenceAndRelay() throws Exception {
        try (TcpRegistryConnection alice = tcp(); WsRegistryConnection bob = ws()) {
            assertEquals("Alice", call(alice, hello("Alice")).get("name").getAsString());
            JsonObject w = call(bob, hello("bob"));
            assertEquals("welcome", op(w), w.toString());
            assertEquals(KEEPALIVE, w.get("keepalive").getAsInt());
            JsonObject sub = call(alice, "{\"op\":\"subscribe\",\"names\":[\"BOB\"]}");
            assertEquals(0, sub.getAsJsonArray("online").size());

            assertEquals("registered", op(call(bob, "{\"op\":\"register\",\"peerId\":\"" + peerId(2) + "\"}")));
            assertEquals("registered", op(call(alice, "{\"op\":\"register\",\"peerId\":\"" + peerId(1) + "\"}")));
            JsonObject online = alice.awaitOp("presence", WAIT);
            assertEquals("bob", online.get("name").getAsString());
            assertTrue(online.get("online").getAsBoolean());

            JsonObject found = call(bob, "{\"op\":\"lookup\",\"name\":\"alice\"}");
            assertTrue(found.get("online").getAsBoolean());
            assertEquals(peerId(1), found.getAsJsonArray("peerIds").get(0).getAsString());
            assertEquals(peerId(2), call(alice, "{\"op\":\"lookup\",\"name\":\"Bob\"}").getAsJsonArray("peerIds").get(0).getAsString());

            assertEquals(1, call(bob, "{\"op\":\"send\",\"to\":\"Alice\",\"text\":\"hello from the web\"}").get("delivered").getAsInt());
            JsonObject m = alice.awaitOp("message", WAIT);
            assertEquals("bob", m.get("from").getAsString());
            assertEquals("hello from the web", m.get("text").getAsString());
            call(alice, "{\"op\":\"send\",\"to\":\"bob\",\"text\":\"and from the socket\"}");
            assertEquals("and from the socket", bob.awaitOp("message", WAIT).get("text").getAsString());

            bob.close();
            JsonObject offline = alice.awaitOp("presence", WAIT);
            assertFalse(offline.get("online").getAsBoolean());
            assertFalse(call(alice, "{\"op\":\"lookup\",\"name\":\"bob\"}").get("online").getAsBoolean());
            // offline: kept in the message store (issue 17) and delivered when bob comes back
            JsonObject kept = call(alice, "{\"op\":\"send\",\"to\":\"bob\",\"text\":\"gone?\",\"mid\":\"it-1\"}");
            assertTrue(kept.get("stored").getAsBoolean(), kept.toString());
            assertError("unknown-user", call(alice, "{\"op\":\"send\",\"to\":\"guest-aaaaaaaa\",\"text\":\"gone?\"}"));
        }
    }

    @Test
    void forgedAndExpiredTokensAreRefused() throws Exception {
        try (TcpRegistryConnection c = tcp()) {
            String forged = token("carol", Instant.now().getEpochSecond() + 600).replace("carol", "admin");
            assertError("bad-token", call(c, "{\"op\":\"hello\",\"v\":1,\"token\":\"" + forged + "\"}"));
            String expired = token("carol", Instant.now().getEpochSecond() - 5);
            assertError("token-expired", call(c, "{\"op\":\"hello\",\"v\":1,\"token\":\"" + expired + "\"}"));
            assertError("not-authenticated", call(c, "{\"op\":\"register\",\"peerId\":\"" + peerId(3) + "\"}"));
            assertEquals("welcome", op(call(c, hello("carol"))));
        }
    }

    @Test
    void guestsHeldAtOnceNeverShareAName() throws Exception {
        List<TcpRegistryConnection> guests = new ArrayList<>();
        Set<String> names = new HashSet<>();
        try {
            for (int i = 0; i < PER_IP / 2; i++) {
                TcpRegistryConnection g = tcp();
                guests.add(g);
                JsonObject w = call(g, "{\"op\":\"hello\",\"v\":1,\"guest\":true}");
                assertTrue(w.get("guest").getAsBoolean());
                String name = w.get("name").getAsString();
                assertTrue(name.matches("guest-[a-z2-7]{8}"), name);
                assertTrue(names.add(name), "two guests got " + name);
            }
        } finally {
            for (TcpRegistryConnection g : guests) {
                g.close();
            }
        }
    }

    @Test
    void aSilentConnectionLosesItsNameWithinTheKeepalive() throws Exception {
        try (TcpRegistryConnection watcher = tcp(); TcpRegistryConnection silent = tcp()) {
            call(watcher, hello("dave"));
            call(watcher, "{\"op\":\"subscribe\",\"names\":[\"erin\"]}");
            call(silent, hello("erin"));
            call(silent, "{\"op\":\"register\",\"peerId\":\"" + peerId(5) + "\"}");
            watcher.awaitOp("presence", WAIT);
            long start = System.nanoTime();
            // the watcher keeps pinging; the silent one, like a host that vanished, sends nothing
            JsonObject offline = null;
            while (offline == null) {
                call(watcher, "{\"op\":\"ping\"}");
                try {
                    offline = watcher.await(o -> op(o).equals("presence"), Duration.ofMillis(500), "presence");
                } catch (IOException notYet) {
                    assertTrue(System.nanoTime() - start < Duration.ofSeconds(KEEPALIVE * 3L).toNanos(), "erin still online");
                }
            }
            assertFalse(offline.get("online").getAsBoolean());
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds <= KEEPALIVE * 1.5 + 1.5, "dropped after " + seconds + " s");
            assertError("idle", silent.awaitOp("error", WAIT));
            assertTrue(silent.awaitClosedByServer(WAIT), "not closed by the server");
        }
    }

    @Test
    void aClosedTcpConnectionLosesItsNameAtOnce() throws Exception {
        try (TcpRegistryConnection watcher = tcp()) {
            call(watcher, hello("frank"));
            call(watcher, "{\"op\":\"subscribe\",\"names\":[\"gina\"]}");
            TcpRegistryConnection gina = tcp();
            call(gina, hello("gina"));
            call(gina, "{\"op\":\"register\",\"peerId\":\"" + peerId(6) + "\"}");
            assertTrue(watcher.awaitOp("presence", WAIT).get("online").getAsBoolean());
            gina.close();
            JsonObject off = watcher.await(o -> op(o).equals("presence"), Duration.ofMillis(KEEPALIVE * 1000L), "presence");
            assertFalse(off.get("online").getAsBoolean());
        }
    }

    @Test
    void badInputGetsErrorsOrACloseAndOthersAreUnaffected() throws Exception {
        try (TcpRegistryConnection bystander = tcp()) {
            call(bystander, hello("hank"));
            try (TcpRegistryConnection c = tcp()) {
                c.sendBytes(FrameReader.frame("{not json"));
                assertError("bad-json", c.awaitOp("error", WAIT));
                assertError("unknown-op", call(c, "{\"op\":\"teleport\"}"));
                assertEquals("pong", op(call(c, "{\"op\":\"ping\"}")));
                c.sendBytes(new byte[] {0, 0, 0x10, 1}); // 4097 > registry.max_frame_bytes
                assertError("frame-too-large", c.awaitOp("error", WAIT));
                assertTrue(c.awaitClosedByServer(WAIT), "not closed by the server");
            }
            try (TcpRegistryConnection slow = tcp()) {
                byte[] ping = FrameReader.frame("{\"op\":\"ping\"}");
                slow.sendBytes(java.util.Arrays.copyOf(ping, 5));
                assertError("frame-timeout", slow.awaitOp("error", WAIT));
                assertTrue(slow.awaitClosedByServer(WAIT), "not closed by the server");
            }
            try (WsRegistryConnection w = ws()) {
                w.sendText("{\"op\":\"ping\"}");
                assertError("text-frame", w.awaitOp("error", WAIT));
                assertEquals("pong", op(call(w, "{\"op\":\"ping\"}")));
                w.sendBytes(new byte[] {0, 0, 0x10, 1}); // 4097 > registry.max_frame_bytes, as on TCP
                assertError("frame-too-large", w.awaitOp("error", WAIT));
                assertTrue(w.awaitClosedByServer(WAIT), "not closed by the server");
                assertEquals(1000, w.closeStatus, "close code");
            }
            assertEquals("pong", op(call(bystander, "{\"op\":\"ping\"}")));
        }
    }

    @Test
    void manyConnectionsAndRegistrationsFromOneAddressStayBounded() throws Exception {
        List<TcpRegistryConnection> open = new ArrayList<>();
        try (TcpRegistryConnection bystander = tcp()) {
            call(bystander, hello("ivan"));
            // one connection holds one peer ID: thousands of registrations replace each other
            for (int i = 0; i < 2000; i++) {
                bystander.send(json("{\"op\":\"register\",\"peerId\":\"" + peerId(100_000 + i) + "\"}"));
            }
            JsonObject found = call(bystander, "{\"op\":\"lookup\",\"name\":\"ivan\"}");
            assertEquals(List.of(peerId(101_999)), found.getAsJsonArray("peerIds").asList().stream().map(e -> e.getAsString()).toList());

            JsonObject refusal = null;
            while (refusal == null && open.size() < PER_IP + 5) {
                TcpRegistryConnection c = tcp();
                open.add(c);
                c.send(json("{\"op\":\"ping\"}"));
                JsonObject first = c.await(o -> true, WAIT, "a first frame");
                if (op(first).equals("error")) {
                    refusal = first;
                }
            }
            assertError("too-many-connections", refusal);
            assertTrue(open.get(open.size() - 1).awaitClosedByServer(WAIT), "not closed by the server");
            assertTrue(open.size() <= PER_IP, "refused only at connection " + open.size());
            assertEquals("pong", op(call(bystander, "{\"op\":\"ping\"}")));
        } finally {
            for (TcpRegistryConnection c : open) {
                c.close();
            }
        }
    }

    @Test
    void policyRequestOnTheRegistryPortGetsThePolicyThenAClose() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", red5.registryTcpPort), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("<policy-file-request/>\0".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            in.transferTo(got); // ends when the server closes
            String xml = got.toString(StandardCharsets.US_ASCII);
            assertTrue(xml.endsWith("\0"), xml);
            assertTrue(xml.contains("<allow-access-from domain=\"*\" to-ports=\"" + red5.registryTcpPort + "\"/>"), xml);
        }
    }

    @Test
    void theSeparatePortServesTheSameRegistryAtRootAndAtTheNimbusPath() throws Exception {
        try (TcpRegistryConnection flash = tcp(); WsRegistryConnection root = separate("/");
             WsRegistryConnection path = separate("/nimbus/registry")) {
            call(flash, hello("kate"));
            assertEquals("registered", op(call(flash, "{\"op\":\"register\",\"peerId\":\"" + peerId(7) + "\"}")));
            for (WsRegistryConnection c : List.of(root, path)) {
                assertEquals("welcome", op(call(c, "{\"op\":\"hello\",\"v\":1,\"guest\":true}")));
                JsonObject found = call(c, "{\"op\":\"lookup\",\"name\":\"kate\"}");
                assertEquals(List.of(peerId(7)), found.getAsJsonArray("peerIds").asList().stream().map(e -> e.getAsString()).toList());
                c.sendText("not binary");
                assertError("text-frame", c.awaitOp("error", WAIT));
            }
        }
        // only the registry there: the demo page and its token endpoint are not
        HttpClient http = HttpClient.newHttpClient();
        for (String p : List.of("/", "/demo/token?name=kate", "/nimbus/registry")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + separatePort + p)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(426, r.statusCode(), p + ": " + r.body());
        }
    }

    @Test
    void demoTokenEndpointMintsATokenTheRegistryAccepts() throws Exception {
        red5.awaitHttp(Duration.ofSeconds(60));
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + red5.httpPort
                + "/demo/token?name=Zo%C3%AB")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
        assertEquals("Zoë", o.get("name").getAsString());
        try (TcpRegistryConnection c = tcp()) {
            JsonObject w = call(c, "{\"op\":\"hello\",\"v\":1,\"token\":\"" + o.get("token").getAsString() + "\"}");
            assertEquals("Zoë", w.get("name").getAsString(), w.toString());
        }
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + red5.httpPort
                + "/demo/token?name=guest-x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, bad.statusCode());
    }

    /**
     * Red5's orderly stop (the shutdown token) completes with registry WebSocket connections
     * open on both ports: they are closed with 1001 (going away, RFC 6455 §7.4.1), then the JVM
     * exits and every port is free again.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void tokenShutdownCompletesWithWebSocketsOpenAndClosesThemGoingAway() throws Exception {
        try (WsRegistryConnection http = ws(); WsRegistryConnection port = separate("/")) {
            assertEquals("welcome", op(call(http, "{\"op\":\"hello\",\"v\":1,\"guest\":true}")));
            assertEquals("welcome", op(call(port, "{\"op\":\"hello\",\"v\":1,\"guest\":true}")));
            long t0 = System.nanoTime();
            assertTrue(red5.shutdownWithToken(Duration.ofSeconds(60)), "Red5 still running 60 s after the shutdown token:\n"
                    + red5.output());
            System.out.printf("token shutdown took %.1f s%n", (System.nanoTime() - t0) / 1e9);
            assertTrue(http.awaitClosedByServer(WAIT) && port.awaitClosedByServer(WAIT), "not closed by the server");
            assertEquals(1001, http.closeStatus);
            assertEquals(1001, port.closeStatus);
        }
        assertTrue(red5.output().contains("Destroying and cleaning up 1 plugins"), "plugins were not stopped:\n" + red5.output());
        try (java.net.ServerSocket a = new java.net.ServerSocket(red5.httpPort, 1, java.net.InetAddress.getLoopbackAddress());
             java.net.ServerSocket b = new java.net.ServerSocket(separatePort, 1, java.net.InetAddress.getLoopbackAddress());
             java.net.ServerSocket c = new java.net.ServerSocket(red5.registryTcpPort, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertTrue(a.isBound() && b.isBound() && c.isBound());
        }
    }
}
