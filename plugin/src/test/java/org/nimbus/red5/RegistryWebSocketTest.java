package org.nimbus.red5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.nimbus.config.NimbusConfig;
import org.nimbus.config.RegistrySettings;
import org.nimbus.conformance.registry.FrameReader;
import org.nimbus.conformance.registry.RegistryConnection;
import org.nimbus.conformance.registry.TcpRegistryConnection;
import org.nimbus.conformance.registry.WsRegistryConnection;
import org.nimbus.transport.registry.RegistryWebSocket;
import org.nimbus.transport.registry.RegistryWebSocketPort;

/**
 * The registry WebSocket as Tomcat's JSR 356 endpoint, over real sockets with the kit's client:
 * {@code /nimbus/registry} of a Tomcat context wired as the nimbus web app, and the optional
 * separate port (registry.ws.bind). The assembled install's copy of it is RegistryIT's.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryWebSocketTest {
    private static final Duration T = Duration.ofSeconds(10);
    private static final int PER_IP = 12;
    private static final String SECRET = "ws-test-secret-0123456789";
    private static RegistryLauncher registry;
    private static NimbusWebAppTomcat web;
    private static int tcpPort;
    private static int wsPort;

    @BeforeAll
    static void start() throws Exception {
        tcpPort = freePort();
        wsPort = freePort();
        Properties p = new Properties();
        p.setProperty("registry.tcp.bind", "127.0.0.1:" + tcpPort);
        p.setProperty("registry.ws.bind", "127.0.0.1:" + wsPort);
        p.setProperty("registry.max_connections_per_ip", "" + PER_IP);
        p.setProperty("registry.send_rate", "1000000");
        p.setProperty("registry.secret", SECRET);
        registry = RegistryLauncher.start(NimbusConfig.from(p));
        web = new NimbusWebAppTomcat();
    }

    @AfterAll
    static void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
        if (web != null) {
            web.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static URI separate(String path) {
        return URI.create("ws://127.0.0.1:" + wsPort + path);
    }

    private static String guest(RegistryConnection c) throws Exception {
        JsonObject hello = RegistryConnection.request("hello");
        hello.addProperty("v", 1);
        hello.addProperty("guest", true);
        JsonObject w = c.call(hello, T);
        assertEquals("welcome", w.get("op").getAsString(), w.toString());
        return w.get("name").getAsString();
    }

    private static JsonObject relayOnly() {
        JsonObject r = RegistryConnection.request("register");
        r.addProperty("relay", true);
        return r;
    }

    private static String op(JsonObject o) {
        return o.get("op").getAsString();
    }

    @Test
    void theTomcatEndpointIsTheSameRegistryAsTcp() throws Exception {
        try (WsRegistryConnection page = new WsRegistryConnection(web.registryUri(), T);
             TcpRegistryConnection flash = new TcpRegistryConnection(new InetSocketAddress("127.0.0.1", tcpPort), T)) {
            String pageName = guest(page);
            assertEquals("registered", op(page.call(relayOnly(), T)));
            String flashName = guest(flash);
            JsonObject found = flash.call(RegistryConnection.request("lookup", "name", pageName), T);
            assertTrue(found.get("online").getAsBoolean(), found.toString());
            assertEquals(1, flash.call(RegistryConnection.request("send", "to", pageName, "text", "to the page ✓"), T)
                    .get("delivered").getAsInt());
            JsonObject m = page.awaitOp("message", T);
            assertEquals(flashName, m.get("from").getAsString());
            assertEquals("to the page ✓", m.get("text").getAsString());
        }
    }

    @Test
    void binaryMessagesCarryAByteStreamOfAnySizeAndTextGetsAnError() throws Exception {
        try (WsRegistryConnection c = new WsRegistryConnection(web.registryUri(), T)) {
            guest(c);
            ByteArrayOutputStream two = new ByteArrayOutputStream();
            two.writeBytes(FrameReader.frame("{\"op\":\"ping\",\"id\":\"a\"}"));
            two.writeBytes(FrameReader.frame("{\"op\":\"ping\",\"id\":\"b\"}"));
            c.sendBytes(two.toByteArray());
            byte[] split = FrameReader.frame("{\"op\":\"ping\",\"id\":\"c\"}");
            c.sendBytes(Arrays.copyOf(split, 3));
            c.sendBytes(Arrays.copyOfRange(split, 3, split.length));
            // one frame of 40 KB in one message: beyond Tomcat's 8 KB message buffer, within max_frame_bytes
            c.sendBytes(FrameReader.frame("{\"op\":\"ping\",\"id\":\"d\",\"pad\":\"" + "x".repeat(40_000) + "\"}"));
            for (String id : List.of("a", "b", "c", "d")) {
                JsonObject pong = c.await(o -> o.has("id") && id.equals(o.get("id").getAsString()), T, "pong " + id);
                assertEquals("pong", op(pong));
            }
            c.sendText("{\"op\":\"ping\"}");
            JsonObject error = c.awaitOp("error", T);
            assertEquals("text-frame", error.get("code").getAsString());
            c.sendText("y".repeat(70_000)); // a text message beyond Tomcat's buffer gets the same answer, not a 1009 close
            assertEquals("text-frame", c.awaitOp("error", T).get("code").getAsString());
            assertEquals("pong", op(c.call(RegistryConnection.request("ping"), T)));
            assertEquals(-1, c.closeStatus, "the connection stays");
            assertTrue(c.textMessages.isEmpty(), "the server sends binary messages only: " + c.textMessages);
        }
    }

    @Test
    void anOversizedFrameGetsFrameTooLargeThenANormalClose() throws Exception {
        try (WsRegistryConnection c = new WsRegistryConnection(web.registryUri(), T)) {
            c.sendBytes(ByteBuffer.allocate(8).putInt(0x7fffffff).putInt(0x7b7b7b7b).array());
            assertEquals("frame-too-large", c.awaitOp("error", T).get("code").getAsString());
            assertTrue(c.awaitClosedByServer(T), "not closed by the server");
            assertEquals(1000, c.closeStatus);
        }
    }

    @Test
    void thePerAddressLimitCountsWebSocketConnections() throws Exception {
        List<WsRegistryConnection> open = new ArrayList<>();
        try {
            JsonObject refusal = null;
            while (refusal == null && open.size() <= PER_IP) {
                WsRegistryConnection c = new WsRegistryConnection(web.registryUri(), T);
                open.add(c);
                try {
                    c.send(RegistryConnection.request("ping"));
                } catch (IOException closedAlready) {
                    // a refused connection gets its error and the close at once
                }
                JsonObject first = c.await(o -> true, T, "a first frame");
                if (op(first).equals("error")) {
                    refusal = first;
                }
            }
            assertTrue(refusal != null, "no refusal after " + open.size() + " connections");
            assertEquals("too-many-connections", refusal.get("code").getAsString());
            WsRegistryConnection refused = open.get(open.size() - 1);
            assertTrue(refused.awaitClosedByServer(T), "not closed by the server");
            assertEquals(1000, refused.closeStatus);
        } finally {
            open.forEach(WsRegistryConnection::close);
        }
    }

    /** A page that stops reading while others send to it is dropped: its queue stays bounded. */
    @Test
    void aClientThatStopsReadingIsDropped() throws Exception {
        WebSocket slow = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(web.registryUri(), new WebSocket.Listener() {
            @Override
            public void onOpen(WebSocket w) {
                // no request(): this client reads nothing, so TCP stops the server's writes
            }
        }).get(10, TimeUnit.SECONDS);
        try (TcpRegistryConnection sender = new TcpRegistryConnection(new InetSocketAddress("127.0.0.1", tcpPort), T)) {
            long expiry = Instant.now().getEpochSecond() + 600;
            String hello = "{\"op\":\"hello\",\"v\":1,\"token\":\"" + registry.tokens().mint("slowpoke", expiry) + "\"}";
            slow.sendBinary(ByteBuffer.wrap(FrameReader.frame(hello)), true).get(10, TimeUnit.SECONDS);
            slow.sendBinary(ByteBuffer.wrap(FrameReader.frame("{\"op\":\"register\",\"relay\":true}")), true).get(10, TimeUnit.SECONDS);
            guest(sender);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!sender.call(RegistryConnection.request("lookup", "name", "slowpoke"), T).get("online").getAsBoolean()) {
                assertTrue(System.nanoTime() < deadline, "slowpoke never came online");
                Thread.sleep(50);
            }
            String text = "z".repeat(4000);
            JsonObject last = null;
            int sent = 0;
            deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                last = sender.call(RegistryConnection.request("send", "to", "slowpoke", "text", text), T);
                if (op(last).equals("error")) {
                    break;
                }
                sent++;
            }
            assertEquals("error", op(last), "still delivering after " + sent + " messages of 4000 characters");
            assertEquals("unknown-user", last.get("code").getAsString(), last.toString());
            assertTrue(sent * 4000L > 1 << 20, "dropped after only " + sent + " messages");
        } finally {
            slow.abort();
        }
    }

    @Test
    void theSeparatePortServesTheSameEndpointAtRootAndAtTheNimbusPath() throws Exception {
        try (WsRegistryConnection root = new WsRegistryConnection(separate("/"), T);
             WsRegistryConnection path = new WsRegistryConnection(separate("/nimbus/registry"), T);
             WsRegistryConnection http = new WsRegistryConnection(web.registryUri(), T)) {
            String rootName = guest(root);
            assertEquals("registered", op(root.call(relayOnly(), T)));
            guest(path);
            guest(http);
            assertTrue(path.call(RegistryConnection.request("lookup", "name", rootName), T).get("online").getAsBoolean());
            assertTrue(http.call(RegistryConnection.request("lookup", "name", rootName), T).get("online").getAsBoolean());
            root.sendText("hi");
            assertEquals("text-frame", root.awaitOp("error", T).get("code").getAsString());
        }
        // only the registry there: other requests are told to upgrade, other WebSocket paths fail
        HttpClient client = HttpClient.newHttpClient();
        for (String p : List.of("/", "/nimbus/registry", "/nimbus/", "/demo/token?name=x")) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + wsPort + p)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(426, r.statusCode(), p + ": " + r.body());
            assertEquals("websocket", r.headers().firstValue("Upgrade").orElse(""), p);
        }
        assertThrows(IOException.class, () -> new WsRegistryConnection(separate("/elsewhere"), T).close());
    }

    @Test
    void aSeparatePortThatIsTakenIsReportedAndNothingElseChanges() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            RegistryWebSocketPort port = RegistryWebSocketPort.start(web.tomcat.getServer(),
                    List.of(new InetSocketAddress("127.0.0.1", taken.getLocalPort())), registry::protocol, List.of("/"));
            try {
                assertTrue(port.bound().isEmpty(), port.bound().toString());
            } finally {
                port.close();
            }
        }
        try (WsRegistryConnection c = new WsRegistryConnection(separate("/"), T)) {
            guest(c);
        }
    }

    @Test
    void withoutARunningRegistryConnectionsAreToldToTryAgainLater() throws Exception {
        // built whole before it joins the started host, which starts it at once
        org.apache.catalina.core.StandardContext down = new org.apache.catalina.core.StandardContext();
        down.setName("/down");
        down.setPath("/down");
        down.addLifecycleListener(new Tomcat.FixContextListener());
        down.addServletContainerInitializer(new WsSci(), null);
        down.addServletContainerInitializer((classes, ctx) -> {
            try {
                RegistryWebSocket.deploy(ctx, () -> null, List.of(RegistryWebSocket.PATH));
            } catch (javax.websocket.DeploymentException e) {
                throw new javax.servlet.ServletException(e);
            }
        }, null);
        Tomcat.addServlet(down, "default", new DefaultServlet());
        down.addServletMappingDecoded("/", "default");
        web.tomcat.getHost().addChild(down);
        try (WsRegistryConnection c = new WsRegistryConnection(URI.create("ws://127.0.0.1:" + web.httpPort() + "/down/registry"), T)) {
            assertTrue(c.awaitClosedByServer(T), "not closed by the server");
            assertEquals(1013, c.closeStatus); // Try Again Later (IANA WebSocket close code registry)
        }
    }

    @Test
    void theSeparatePortIsOffByDefaultAndInTheShippedConfiguration() throws Exception {
        assertTrue(NimbusConfig.from(new Properties()).get(RegistrySettings.WS_BIND).isEmpty());
        Path shipped = Path.of("../conf/nimbus.properties"); // tests run in plugin/
        assertTrue(NimbusConfig.load(shipped).get(RegistrySettings.WS_BIND).isEmpty(), shipped + " sets registry.ws.bind");
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void closingTheRegistryEndsWebSocketConnectionsAndReleasesTheSeparatePort() throws Exception {
        WsRegistryConnection http = new WsRegistryConnection(web.registryUri(), T);
        WsRegistryConnection separate = new WsRegistryConnection(separate("/"), T);
        try {
            guest(http);
            guest(separate);
            registry.close();
            assertTrue(http.awaitClosedByServer(T), "not closed by the server");
            assertEquals(1001, http.closeStatus); // Going Away, RFC 6455 §7.4.1
            assertTrue(separate.awaitClosedByServer(T), "not closed by the server");
            assertEquals(1001, separate.closeStatus);
        } finally {
            http.close();
            separate.close();
        }
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress("127.0.0.1", wsPort));
        }
        try (WsRegistryConnection late = new WsRegistryConnection(web.registryUri(), T)) {
            assertTrue(late.awaitClosedByServer(T), "not closed by the server");
            assertEquals(1013, late.closeStatus, "a closed registry is not running");
        }
    }
}
