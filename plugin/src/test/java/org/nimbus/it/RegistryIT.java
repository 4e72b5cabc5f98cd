package org.nimbus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
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
import org.junit.jupiter.api.Test;
import org.nimbus.it.RegistryClients.Tcp;
import org.nimbus.it.RegistryClients.Ws;

/** The registry of a real Red5 install, over real TCP and WebSocket connections. */
class RegistryIT {
    private static final String SECRET = "it-secret-0123456789";
    private static final int KEEPALIVE = 2;
    private static final int PER_IP = 24;
    private static Red5Install red5;

    @BeforeAll
    static void start() throws Exception {
        red5 = Red5Install.copy(Map.of("registry.secret", SECRET, "registry.keepalive_seconds", "" + KEEPALIVE,
                "registry.frame_timeout_seconds", "2", "registry.max_frame_bytes", "4096",
                "registry.max_connections_per_ip", "" + PER_IP));
        red5.start();
        red5.awaitLine(Pattern.compile("Nimbus registry started: tcp 127\\.0\\.0\\.1:" + red5.registryTcpPort
                + ", ws 127\\.0\\.0\\.1:" + red5.registryWsPort), Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() throws Exception {
        if (red5 != null) {
            red5.close();
        }
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
        try (Tcp alice = new Tcp(red5.registryTcpPort); Ws bob = new Ws(red5.registryWsPort)) {
            assertEquals("Alice", alice.call(hello("Alice")).get("name").getAsString());
            JsonObject w = bob.call(hello("bob"));
            assertEquals("welcome", op(w), w.toString());
            assertEquals(KEEPALIVE, w.get("keepalive").getAsInt());
            JsonObject sub = alice.call("{\"op\":\"subscribe\",\"names\":[\"BOB\"]}");
            assertEquals(0, sub.getAsJsonArray("online").size());

            assertEquals("registered", op(bob.call("{\"op\":\"register\",\"peerId\":\"" + peerId(2) + "\"}")));
            assertEquals("registered", op(alice.call("{\"op\":\"register\",\"peerId\":\"" + peerId(1) + "\"}")));
            JsonObject online = alice.await("presence");
            assertEquals("bob", online.get("name").getAsString());
            assertTrue(online.get("online").getAsBoolean());

            JsonObject found = bob.call("{\"op\":\"lookup\",\"name\":\"alice\"}");
            assertTrue(found.get("online").getAsBoolean());
            assertEquals(peerId(1), found.getAsJsonArray("peerIds").get(0).getAsString());
            assertEquals(peerId(2), alice.call("{\"op\":\"lookup\",\"name\":\"Bob\"}").getAsJsonArray("peerIds").get(0).getAsString());

            assertEquals(1, bob.call("{\"op\":\"send\",\"to\":\"Alice\",\"text\":\"hello from the web\"}").get("delivered").getAsInt());
            JsonObject m = alice.await("message");
            assertEquals("bob", m.get("from").getAsString());
            assertEquals("hello from the web", m.get("text").getAsString());
            alice.call("{\"op\":\"send\",\"to\":\"bob\",\"text\":\"and from the socket\"}");
            assertEquals("and from the socket", bob.await("message").get("text").getAsString());

            bob.close();
            JsonObject offline = alice.await("presence");
            assertFalse(offline.get("online").getAsBoolean());
            assertFalse(alice.call("{\"op\":\"lookup\",\"name\":\"bob\"}").get("online").getAsBoolean());
            assertError("unknown-user", alice.call("{\"op\":\"send\",\"to\":\"bob\",\"text\":\"gone?\"}"));
        }
    }

    @Test
    void forgedAndExpiredTokensAreRefused() throws Exception {
        try (Tcp c = new Tcp(red5.registryTcpPort)) {
            String forged = token("carol", Instant.now().getEpochSecond() + 600).replace("carol", "admin");
            assertError("bad-token", c.call("{\"op\":\"hello\",\"v\":1,\"token\":\"" + forged + "\"}"));
            String expired = token("carol", Instant.now().getEpochSecond() - 5);
            assertError("token-expired", c.call("{\"op\":\"hello\",\"v\":1,\"token\":\"" + expired + "\"}"));
            assertError("not-authenticated", c.call("{\"op\":\"register\",\"peerId\":\"" + peerId(3) + "\"}"));
            assertEquals("welcome", op(c.call(hello("carol"))));
        }
    }

    @Test
    void guestsHeldAtOnceNeverShareAName() throws Exception {
        List<Tcp> guests = new ArrayList<>();
        Set<String> names = new HashSet<>();
        try {
            for (int i = 0; i < PER_IP / 2; i++) {
                Tcp g = new Tcp(red5.registryTcpPort);
                guests.add(g);
                JsonObject w = g.call("{\"op\":\"hello\",\"v\":1,\"guest\":true}");
                assertTrue(w.get("guest").getAsBoolean());
                String name = w.get("name").getAsString();
                assertTrue(name.matches("guest-[a-z2-7]{8}"), name);
                assertTrue(names.add(name), "two guests got " + name);
            }
        } finally {
            for (Tcp g : guests) {
                g.close();
            }
        }
    }

    @Test
    void aSilentConnectionLosesItsNameWithinTheKeepalive() throws Exception {
        try (Tcp watcher = new Tcp(red5.registryTcpPort); Tcp silent = new Tcp(red5.registryTcpPort)) {
            watcher.call(hello("dave"));
            watcher.call("{\"op\":\"subscribe\",\"names\":[\"erin\"]}");
            silent.call(hello("erin"));
            silent.call("{\"op\":\"register\",\"peerId\":\"" + peerId(5) + "\"}");
            watcher.await("presence");
            long start = System.nanoTime();
            // the watcher keeps pinging; the silent one, like a host that vanished, sends nothing
            JsonObject offline = null;
            while (offline == null) {
                watcher.call("{\"op\":\"ping\"}");
                try {
                    offline = watcher.await(o -> op(o).equals("presence"), Duration.ofMillis(500));
                } catch (AssertionError notYet) {
                    assertTrue(System.nanoTime() - start < Duration.ofSeconds(KEEPALIVE * 3L).toNanos(), "erin still online");
                }
            }
            assertFalse(offline.get("online").getAsBoolean());
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds <= KEEPALIVE * 1.5 + 1.5, "dropped after " + seconds + " s");
            assertError("idle", silent.await("error"));
            silent.awaitClosedByServer();
        }
    }

    @Test
    void aClosedTcpConnectionLosesItsNameAtOnce() throws Exception {
        try (Tcp watcher = new Tcp(red5.registryTcpPort)) {
            watcher.call(hello("frank"));
            watcher.call("{\"op\":\"subscribe\",\"names\":[\"gina\"]}");
            Tcp gina = new Tcp(red5.registryTcpPort);
            gina.call(hello("gina"));
            gina.call("{\"op\":\"register\",\"peerId\":\"" + peerId(6) + "\"}");
            assertTrue(watcher.await("presence").get("online").getAsBoolean());
            gina.close();
            JsonObject off = watcher.await(o -> op(o).equals("presence"), Duration.ofMillis(KEEPALIVE * 1000L));
            assertFalse(off.get("online").getAsBoolean());
        }
    }

    @Test
    void badInputGetsErrorsOrACloseAndOthersAreUnaffected() throws Exception {
        try (Tcp bystander = new Tcp(red5.registryTcpPort)) {
            bystander.call(hello("hank"));
            try (Tcp c = new Tcp(red5.registryTcpPort)) {
                c.sendBytes(RegistryClients.frame("{not json"));
                assertError("bad-json", c.await("error"));
                assertError("unknown-op", c.call("{\"op\":\"teleport\"}"));
                assertEquals("pong", op(c.call("{\"op\":\"ping\"}")));
                c.sendBytes(new byte[] {0, 0, 0x10, 1}); // 4097 > registry.max_frame_bytes
                assertError("frame-too-large", c.await("error"));
                c.awaitClosedByServer();
            }
            try (Tcp slow = new Tcp(red5.registryTcpPort)) {
                byte[] ping = RegistryClients.frame("{\"op\":\"ping\"}");
                slow.sendBytes(java.util.Arrays.copyOf(ping, 5));
                assertError("frame-timeout", slow.await("error"));
                slow.awaitClosedByServer();
            }
            try (Ws w = new Ws(red5.registryWsPort)) {
                w.sendText("{\"op\":\"ping\"}");
                assertError("text-frame", w.await("error"));
                assertEquals("pong", op(w.call("{\"op\":\"ping\"}")));
            }
            assertEquals("pong", op(bystander.call("{\"op\":\"ping\"}")));
        }
    }

    @Test
    void manyConnectionsAndRegistrationsFromOneAddressStayBounded() throws Exception {
        List<Tcp> open = new ArrayList<>();
        try (Tcp bystander = new Tcp(red5.registryTcpPort)) {
            bystander.call(hello("ivan"));
            // one connection holds one peer ID: thousands of registrations replace each other
            for (int i = 0; i < 2000; i++) {
                bystander.send("{\"op\":\"register\",\"peerId\":\"" + peerId(100_000 + i) + "\"}");
            }
            JsonObject found = bystander.call("{\"op\":\"lookup\",\"name\":\"ivan\"}");
            assertEquals(List.of(peerId(101_999)), found.getAsJsonArray("peerIds").asList().stream().map(e -> e.getAsString()).toList());

            JsonObject refusal = null;
            while (refusal == null && open.size() < PER_IP + 5) {
                Tcp c = new Tcp(red5.registryTcpPort);
                open.add(c);
                c.send("{\"op\":\"ping\"}");
                JsonObject first = c.await(o -> true, RegistryClients.WAIT);
                if (op(first).equals("error")) {
                    refusal = first;
                }
            }
            assertError("too-many-connections", refusal);
            open.get(open.size() - 1).awaitClosedByServer();
            assertTrue(open.size() <= PER_IP, "refused only at connection " + open.size());
            assertEquals("pong", op(bystander.call("{\"op\":\"ping\"}")));
        } finally {
            for (Tcp c : open) {
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
    void demoTokenEndpointMintsATokenTheRegistryAccepts() throws Exception {
        red5.awaitHttp(Duration.ofSeconds(60));
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + red5.httpPort
                + "/demo/token?name=Zo%C3%AB")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
        assertEquals("Zoë", o.get("name").getAsString());
        try (Tcp c = new Tcp(red5.registryTcpPort)) {
            JsonObject w = c.call("{\"op\":\"hello\",\"v\":1,\"token\":\"" + o.get("token").getAsString() + "\"}");
            assertEquals("Zoë", w.get("name").getAsString(), w.toString());
        }
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + red5.httpPort
                + "/demo/token?name=guest-x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, bad.statusCode());
    }
}
