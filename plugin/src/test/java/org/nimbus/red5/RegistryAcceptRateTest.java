package org.nimbus.red5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.nimbus.config.NimbusConfig;

/**
 * registry.accept_rate_per_ip on real sockets: beyond the burst, a TCP connection is closed at
 * accept with nothing sent and a WebSocket request gets 429 before the upgrade, while another
 * source address (127.0.0.2, on loopback too) is let in.
 */
class RegistryAcceptRateTest {
    private static final int RATE = 5;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Sends one ping frame from source; true if the server answered, false if it closed without a byte. */
    private static boolean answered(String source, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(source, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(org.nimbus.conformance.registry.FrameReader.frame("{\"op\":\"ping\"}"));
            return s.getInputStream().read() >= 0;
        } catch (java.net.SocketException reset) {
            return false;
        }
    }

    /** The status code of a WebSocket upgrade request from source. */
    private static int upgradeStatus(String source, int httpPort) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(source, 0));
            s.connect(new InetSocketAddress("127.0.0.1", httpPort), 5000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /nimbus/registry HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] status = in.readNBytes(12);
            return Integer.parseInt(new String(status, StandardCharsets.US_ASCII).substring(9, 12));
        }
    }

    @Test
    void beyondTheBurstTcpIsClosedAtAcceptAndWebSocketGets429() throws Exception {
        int tcpPort = freePort();
        Properties p = new Properties();
        p.setProperty("registry.tcp.bind", "127.0.0.1:" + tcpPort);
        p.setProperty("registry.accept_rate_per_ip", "" + RATE);
        p.setProperty("registry.secret", "accept-rate-secret-0123");
        try (RegistryLauncher registry = RegistryLauncher.start(NimbusConfig.from(p));
             NimbusWebAppTomcat web = new NimbusWebAppTomcat()) {
            int answered = 0;
            for (int i = 0; i < 3 * RATE; i++) {
                if (answered("127.0.0.1", tcpPort)) {
                    answered++;
                }
            }
            // the burst, plus what refilled while the loop ran (a token per 200 ms)
            assertTrue(answered >= RATE && answered < 2 * RATE, "answered " + answered + " of " + 3 * RATE);
            assertTrue(answered("127.0.0.2", tcpPort), "another address has its own allowance");
            int switched = 0;
            int tooMany = 0;
            for (int i = 0; i < 3 * RATE; i++) {
                int code = upgradeStatus("127.0.0.3", web.httpPort());
                switched += code == 101 ? 1 : 0;
                tooMany += code == 429 ? 1 : 0;
            }
            assertTrue(switched >= RATE && switched < 2 * RATE, "upgraded " + switched);
            assertEquals(3 * RATE, switched + tooMany, "every other request got 429");
            assertTrue(registry.service().acceptRate().refused() >= 2L * RATE, "refusals counted");
        }
    }
}
