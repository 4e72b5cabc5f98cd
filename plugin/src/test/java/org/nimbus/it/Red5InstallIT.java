package org.nimbus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.nimbus.conformance.registry.RegistryConnection;
import org.nimbus.conformance.registry.WsRegistryConnection;

/** The assembled install, started as its own process, checked over real sockets. */
class Red5InstallIT {
    private static final Duration START = Duration.ofSeconds(60);

    @Test
    void startsPluginServesRtmpAndHttpAndReleasesPortsOnStop() throws Exception {
        try (Red5Install red5 = Red5Install.copy(Map.of())) {
            red5.start();
            red5.awaitLine(Pattern.compile("Nimbus \\S+ started: RTMFP on udp 127\\.0\\.0\\.1:" + red5.rtmfpPort
                    + ", \\[0:0:0:0:0:0:0:1\\]:" + red5.rtmfpPort + "$"), START);
            red5.awaitHttp(START);

            String udp = run("ss", "-H", "-uanp");
            assertTrue(udp.lines().anyMatch(l -> l.matches(".*127\\.0\\.0\\.1]?:" + red5.rtmfpPort + "\\s.*") && l.contains("pid=" + red5.pid() + ",")),
                    "UDP 127.0.0.1:" + red5.rtmfpPort + " bound by pid " + red5.pid() + ":\n" + udp);
            assertTrue(udp.lines().anyMatch(l -> l.contains("[::1]:" + red5.rtmfpPort) && l.contains("pid=" + red5.pid() + ",")),
                    "UDP [::1]:" + red5.rtmfpPort + " bound by pid " + red5.pid() + ":\n" + udp);

            // The registry WebSocket is on the HTTP port; registry.ws.bind is off by default, so
            // the process listens on exactly RTMP, HTTP, the shutdown port and the registry's TCP.
            try (WsRegistryConnection ws = new WsRegistryConnection(red5.registryWsUri(), Duration.ofSeconds(10))) {
                JsonObject hello = RegistryConnection.request("hello");
                hello.addProperty("v", 1);
                hello.addProperty("guest", true);
                assertEquals("welcome", ws.call(hello, Duration.ofSeconds(10)).get("op").getAsString());
            }
            assertEquals(Set.of(red5.rtmpPort, red5.httpPort, red5.shutdownPort, red5.registryTcpPort), listeningTcpPorts(red5.pid()),
                    "TCP ports listened on by pid " + red5.pid());

            HttpResponse<String> page = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + red5.httpPort + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("Nimbus"), page.body());

            publishWithFfmpeg(red5.rtmpPort, "nimbus", "it");
            red5.awaitLine(Pattern.compile("Nimbus app connect: \\S+ from 127\\.0\\.0\\.1 \\(RTMPMinaConnection\\)"), START);

            red5.stop();
            assertFalse(red5.isAlive());
            assertPortsFree(red5);
        }
    }

    @Test
    void rtmfpPortInUseIsReportedAndRtmpKeepsServing() throws Exception {
        int port = Red5Install.freeUdpPort();
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
             Red5Install red5 = Red5Install.copy(Map.of("rtmfp.bind", "127.0.0.1:" + port))) {
            red5.start();
            red5.awaitLine(Pattern.compile("RTMFP disabled, cannot bind RTMFP UDP 127\\.0\\.0\\.1:" + port), START);
            red5.awaitHttp(START);
            publishWithFfmpeg(red5.rtmpPort, "nimbus", "inuse");
            red5.awaitLine(Pattern.compile("Nimbus app connect"), START);
        }
    }

    @Test
    void badConfigurationNamesTheKeyAndLeavesRtmpServing() throws Exception {
        try (Red5Install red5 = Red5Install.copy(Map.of("rtmfp.bind", "127.0.0.1:notaport"))) {
            red5.start();
            red5.awaitLine(Pattern.compile("Nimbus not started: .*'rtmfp\\.bind'.*accepted: "), START);
            red5.awaitHttp(START);
            assertTrue(red5.isAlive());
        }
    }

    private static void assertPortsFree(Red5Install red5) throws IOException {
        try (ServerSocket a = new ServerSocket(red5.rtmpPort, 1, InetAddress.getLoopbackAddress());
             ServerSocket b = new ServerSocket(red5.httpPort, 1, InetAddress.getLoopbackAddress());
             DatagramSocket c = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), red5.rtmfpPort));
             // the registry's port, released by its own shutdown hook
             ServerSocket d = new ServerSocket(red5.registryTcpPort, 1, InetAddress.getLoopbackAddress())) {
            assertTrue(a.isBound() && b.isBound() && c.isBound() && d.isBound());
        }
    }

    static void publishWithFfmpeg(int rtmpPort, String app, String stream) throws Exception {
        Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-t", "1",
                "-c:v", "libx264", "-preset", "ultrafast", "-f", "flv",
                "rtmp://127.0.0.1:" + rtmpPort + "/" + app + "/" + stream)
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ffmpeg did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "ffmpeg failed:\n" + out);
    }

    /** The TCP ports a process listens on, from ss. */
    static Set<Integer> listeningTcpPorts(long pid) throws Exception {
        Set<Integer> ports = new TreeSet<>();
        for (String line : run("ss", "-H", "-ltnp").lines().toList()) {
            if (line.contains("pid=" + pid + ",")) {
                String local = line.trim().split("\\s+")[3];
                ports.add(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1)));
            }
        }
        return ports;
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    @Test
    void copiedInstallRefusesSecondBindOnSamePort() throws Exception {
        // Sanity of the harness itself: a port it hands out is really bindable once.
        int port = Red5Install.freeUdpPort();
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            assertThrows(BindException.class,
                    () -> new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).close());
        }
    }
}
