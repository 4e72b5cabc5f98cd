package org.nimbus.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's coturn (turnserver) on a free loopback UDP port, with a static-auth-secret (the
 * coturn REST-API scheme Nimbus mints TURN credentials for), started and awaited (it answers a
 * STUN Binding request) by {@link #start}, stopped by {@link #close}.
 */
final class Coturn implements AutoCloseable {
    final int port;
    final String secret;
    private final Process process;
    private final Path dir;

    private Coturn(int port, String secret, Process process, Path dir) {
        this.port = port;
        this.secret = secret;
        this.process = process;
        this.dir = dir;
    }

    static Coturn start(String secret) throws IOException, InterruptedException {
        Path turnserver = Path.of("/usr/bin/turnserver");
        assertTrue(Files.isExecutable(turnserver), "no turnserver: install Debian's coturn package");
        int port = Red5Install.freeUdpPort();
        Path dir = Files.createTempDirectory("nimbus-coturn-");
        Process p = new ProcessBuilder(List.of(turnserver.toString(), "-n", "--listening-ip", "127.0.0.1",
                "--relay-ip", "127.0.0.1", "--listening-port", Integer.toString(port), "--realm", "nimbus",
                "--use-auth-secret", "--static-auth-secret", secret, "--fingerprint", "--no-cli", "--no-tls", "--no-dtls",
                "--allow-loopback-peers", "--min-port", "49152", "--max-port", "65535", "--no-stun-backward-compatibility",
                "--pidfile", dir.resolve("turn.pid").toString(), "--userdb", dir.resolve("turn.db").toString(),
                "--log-file", "stdout", "--simple-log"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("turn.log").toFile()).start();
        Coturn turn = new Coturn(port, secret, p, dir);
        try {
            turn.awaitStun();
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            turn.close();
            throw e;
        }
        return turn;
    }

    /** The URL pages get in welcome.iceServers (webrtc.turn). */
    String url() {
        return "turn:127.0.0.1:" + port + "?transport=udp";
    }

    String log() {
        try {
            return Files.readString(dir.resolve("turn.log"));
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    /** Waits until coturn answers a STUN Binding request (RFC 5389 section 6) on its port. */
    private void awaitStun() throws IOException, InterruptedException {
        byte[] req = new byte[20];
        req[1] = 0x01; // Binding request, no attributes
        req[4] = 0x21; req[5] = 0x12; req[6] = (byte) 0xA4; req[7] = 0x42; // magic cookie
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(200);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                assertTrue(process.isAlive(), () -> "turnserver exited:\n" + log());
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
        throw new AssertionError("turnserver did not answer STUN within 20 s:\n" + log());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
