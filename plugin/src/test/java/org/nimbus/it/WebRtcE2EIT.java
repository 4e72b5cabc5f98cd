package org.nimbus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * WebRTC between two pages with no RTMFP, in headless Chromium against the assembled install:
 * runs flash-client/e2e/webrtc.e2e.mjs (data channel signalled through the registry, no message
 * relayed by the server, order kept, fallback when the channel is killed mid-conversation), then
 * again with --turn against Debian's coturn started here on loopback with a static-auth-secret
 * the registry mints credentials from (relay-only ICE works with them, fails with forged ones).
 */
class WebRtcE2EIT {
    private static final long RUN_SECONDS = 150;

    @Test
    void pagesTalkOnADataChannelAndFallBackToTheRelay() throws Exception {
        // the script reads the registry's relayed count on the status page
        String out = run(Map.of("status.access", "allow"), false);
        for (String step : List.of("path: 'webrtc'", "the registry relayed none", "arrive exactly once, in order", "E2E PASS")) {
            assertTrue(out.contains(step), "missing step '" + step + "' in:\n" + out);
        }
    }

    @Test
    void turnWorksWithMintedCredentialsAndFailsWithForgedOnes() throws Exception {
        Path turnserver = Path.of("/usr/bin/turnserver");
        assertTrue(Files.isExecutable(turnserver), "no turnserver: install Debian's coturn package");
        int port = Red5Install.freeUdpPort();
        String secret = "nimbus-it-turn-secret-0123456789";
        Path dir = Files.createTempDirectory("nimbus-coturn-");
        Process turn = new ProcessBuilder(List.of(turnserver.toString(), "-n", "--listening-ip", "127.0.0.1",
                "--relay-ip", "127.0.0.1", "--listening-port", Integer.toString(port), "--realm", "nimbus",
                "--use-auth-secret", "--static-auth-secret", secret, "--fingerprint", "--no-cli", "--no-tls", "--no-dtls",
                "--allow-loopback-peers", "--min-port", "49152", "--max-port", "65535", "--no-stun-backward-compatibility",
                "--pidfile", dir.resolve("turn.pid").toString(), "--userdb", dir.resolve("turn.db").toString(),
                "--log-file", "stdout", "--simple-log"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("turn.log").toFile()).start();
        try {
            awaitStun(port, turn, dir);
            String out = run(Map.of("webrtc.turn", "turn:127.0.0.1:" + port + "?transport=udp",
                    "webrtc.turn_secret", secret, "webrtc.turn_ttl", "600"), true);
            for (String step : List.of("with the minted TURN credentials", "forged TURN credentials", "E2E PASS")) {
                assertTrue(out.contains(step), "missing step '" + step + "' in:\n" + out
                        + "\n--- coturn:\n" + Files.readString(dir.resolve("turn.log")));
            }
        } finally {
            turn.destroy();
            if (!turn.waitFor(10, TimeUnit.SECONDS)) {
                turn.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Waits until coturn answers a STUN Binding request (RFC 5389 section 6) on its port. */
    private static void awaitStun(int port, Process turn, Path dir) throws IOException, InterruptedException {
        byte[] req = new byte[20];
        req[1] = 0x01; // Binding request, no attributes
        req[4] = 0x21; req[5] = 0x12; req[6] = (byte) 0xA4; req[7] = 0x42; // magic cookie
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(200);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                assertTrue(turn.isAlive(), () -> "turnserver exited:\n" + read(dir.resolve("turn.log")));
                s.send(new DatagramPacket(req, req.length, InetAddress.getLoopbackAddress(), port));
                try {
                    DatagramPacket p = new DatagramPacket(new byte[512], 512);
                    s.receive(p);
                    if (p.getLength() >= 20 && p.getData()[0] == 0x01 && p.getData()[1] == 0x01) {
                        return;
                    }
                } catch (SocketTimeoutException e) {
                    // not listening yet: ask again
                }
            }
        }
        throw new AssertionError("turnserver did not answer STUN within 20 s:\n" + read(dir.resolve("turn.log")));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    private static String run(Map<String, String> props, boolean turn) throws Exception {
        Path install = Red5Install.assembled().toAbsolutePath();
        Path repo = install.getParent().getParent().getParent();
        Path script = repo.resolve("flash-client/e2e/webrtc.e2e.mjs");
        Path chromium = Path.of(System.getProperty("nimbus.chromium", "/usr/bin/chromium"));
        assertTrue(Files.isExecutable(chromium), "no Chromium at " + chromium + ": install Debian's chromium package");
        try (Red5Install red5 = Red5Install.copy(props)) {
            red5.start();
            red5.awaitHttp(Duration.ofSeconds(90));
            Path log = Files.createTempFile("nimbus-webrtc-e2e-", ".log");
            List<String> cmd = new ArrayList<>(List.of("node", script.toString(),
                    "--base", "http://127.0.0.1:" + red5.httpPort,
                    "--registry-port", Integer.toString(red5.registryTcpPort),
                    "--registry-ws", "ws://127.0.0.1:" + red5.httpPort + "/nimbus/registry",
                    "--chromium", chromium.toString()));
            if (turn) {
                cmd.add("--turn");
            }
            Process node = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            boolean ended = node.waitFor(RUN_SECONDS, TimeUnit.SECONDS);
            if (!ended) {
                node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(ended, "the WebRTC E2E run did not end within " + RUN_SECONDS + " s:\n" + out);
            System.out.println(out);
            assertEquals(0, node.exitValue(), () -> "WebRTC E2E failed:\n" + out + "\n--- Red5:\n" + red5.output());
            return out;
        }
    }
}
