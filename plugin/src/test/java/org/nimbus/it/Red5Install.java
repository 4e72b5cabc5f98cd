package org.nimbus.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A copy of the assembled Red5 install (target/red5) in a temporary folder, with its own free
 * ports, started as its own JVM through its red5.sh exactly as an operator starts it. The copy
 * keeps parallel test JVMs from sharing ports, logs or Tomcat's work folder.
 */
public final class Red5Install implements AutoCloseable {
    public final Path home;
    public final int rtmpPort;
    public final int httpPort;
    public final int rtmfpPort;
    public final int shutdownPort;
    /** The registry's TCP port (on 127.0.0.1); its WebSocket is {@link #registryWsUri()} on the HTTP port. */
    public final int registryTcpPort;
    private Process process;
    private final List<String> lines = new ArrayList<>();
    private String extraJavaOpts = "";

    private Red5Install(Path home, int rtmpPort, int httpPort, int rtmfpPort, int shutdownPort, int registryTcpPort) {
        this.registryTcpPort = registryTcpPort;
        this.home = home;
        this.rtmpPort = rtmpPort;
        this.httpPort = httpPort;
        this.rtmfpPort = rtmfpPort;
        this.shutdownPort = shutdownPort;
    }

    public static Path assembled() {
        Path p = Path.of(System.getProperty("nimbus.install", "target/red5"));
        if (!Files.isRegularFile(p.resolve("red5.sh"))) {
            throw new IllegalStateException("no assembled Red5 install at " + p.toAbsolutePath()
                    + " (run the Maven package phase first)");
        }
        return p;
    }

    /**
     * Copies the install; nimbusProperties replaces conf/nimbus.properties (rtmfp.bind and
     * registry.tcp.bind are set to free loopback ports unless given; registry.ws.bind, the
     * optional separate WebSocket port, stays off unless given).
     */
    public static Red5Install copy(Map<String, String> nimbusProperties) throws IOException {
        Path src = assembled();
        Path home = Files.createTempDirectory("nimbus-red5-");
        copyTree(src, home);
        int rtmp = freeTcpPort();
        int http = freeTcpPort();
        int shutdown = freeTcpPort();
        int rtmfp = freeUdpPort();
        int registryTcp = freeTcpPort();
        Path red5Props = home.resolve("conf/red5.properties");
        String props = Files.readString(red5Props)
                .replaceAll("(?m)^rtmp\\.host=.*$", "rtmp.host=127.0.0.1")
                .replaceAll("(?m)^rtmp\\.port=.*$", "rtmp.port=" + rtmp)
                .replaceAll("(?m)^http\\.host=.*$", "http.host=127.0.0.1")
                .replaceAll("(?m)^http\\.port=.*$", "http.port=" + http)
                .replaceAll("(?m)^shutdown\\.port=.*$", "shutdown.port=" + shutdown);
        Files.writeString(red5Props, props);
        StringBuilder nimbus = new StringBuilder();
        if (!nimbusProperties.containsKey("rtmfp.bind")) {
            nimbus.append("rtmfp.bind=127.0.0.1:").append(rtmfp).append(",[::1]:").append(rtmfp).append('\n');
        }
        if (!nimbusProperties.containsKey("registry.tcp.bind")) {
            nimbus.append("registry.tcp.bind=127.0.0.1:").append(registryTcp).append('\n');
        }
        if (!nimbusProperties.containsKey("registry.demo_tokens")) {
            // as in the install the build assembles: the demo page signs in through /demo/token
            nimbus.append("registry.demo_tokens=true\n");
        }
        nimbusProperties.forEach((k, v) -> nimbus.append(k).append('=').append(v).append('\n'));
        Files.writeString(home.resolve("conf/nimbus.properties"), nimbus.toString());
        return new Red5Install(home, rtmp, http, rtmfp, shutdown, registryTcp);
    }

    /** The registry WebSocket, served by Red5's Tomcat in the nimbus web app on the HTTP port. */
    public URI registryWsUri() {
        return URI.create("ws://127.0.0.1:" + httpPort + "/nimbus/registry");
    }

    private static void copyTree(Path src, Path dst) throws IOException {
        try (Stream<Path> walk = Files.walk(src)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        dst.resolve("red5.sh").toFile().setExecutable(true);
    }

    public static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        }
    }

    /** JVM options added to the defaults for {@link #start()}, e.g. the JMX agent's flags. */
    public Red5Install javaOpts(String opts) {
        extraJavaOpts = " " + opts;
        return this;
    }

    /** The standard JMX agent on {@code port}, loopback only, without authentication (tests). */
    public static String jmxOpts(int port) {
        return "-Dcom.sun.management.jmxremote.port=" + port + " -Dcom.sun.management.jmxremote.rmi.port=" + port
                + " -Dcom.sun.management.jmxremote.authenticate=false -Dcom.sun.management.jmxremote.ssl=false"
                + " -Dcom.sun.management.jmxremote.host=127.0.0.1 -Djava.rmi.server.hostname=127.0.0.1";
    }

    public Red5Install start() throws IOException {
        ProcessBuilder pb = new ProcessBuilder("sh", home.resolve("red5.sh").toString());
        pb.directory(home.toFile());
        pb.redirectErrorStream(true);
        pb.environment().put("JAVA_OPTS", "-Xms64m -Xmx384m -XX:TieredStopAtLevel=1" + extraJavaOpts);
        process = pb.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                // process ended
            }
        }, "red5-output");
        reader.setDaemon(true);
        reader.start();
        return this;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Waits for a line of Red5's output matching the pattern; fails with the output so far. */
    public Matcher awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    Matcher m = pattern.matcher(lines.get(seen));
                    if (m.find()) {
                        return m;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && seen == lines.size()) {
                    throw new AssertionError("no line matching /" + pattern + "/ within " + timeout
                            + "; output:\n" + output());
                }
                lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(left, 200_000_000L))));
            }
        }
    }

    public String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    /** Waits until Tomcat serves HTTP and the nimbus application scope exists. */
    public void awaitHttp(Duration timeout) throws InterruptedException {
        awaitLine(Pattern.compile("Bootstrap complete"), timeout);
        // Red5 starts each application on a loader thread after Tomcat is up: RTMP and RTMFP
        // connects to the nimbus app (and the default app fallback) need its scope.
        awaitLine(Pattern.compile("Nimbus application started: scope nimbus"), timeout);
    }

    /** SIGTERM, as an init system stops it; Red5 skips plugin doStop there, Nimbus's hook releases the socket. */
    public void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(45, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Red5's orderly stop: its own Shutdown client sends the token (shutdown.token) to the
     * shutdown port; plugins' doStop and Tomcat's stop run, then the JVM exits. True when the
     * process ended within the timeout.
     */
    public boolean shutdownWithToken(Duration timeout) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process client = new ProcessBuilder(java, "-cp", home.resolve("red5-service.jar").toString(),
                "org.red5.server.Shutdown", Integer.toString(shutdownPort))
                .directory(home.toFile()).redirectErrorStream(true).start();
        String said = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!client.waitFor(30, TimeUnit.SECONDS) || client.exitValue() != 0) {
            throw new AssertionError("Red5's Shutdown client failed:\n" + said);
        }
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws Exception {
        stop();
        try (Stream<Path> walk = Files.walk(home)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
