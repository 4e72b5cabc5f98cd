package org.nimbus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.nimbus.conformance.cli.Main;

/**
 * The kit's soak mix ({@code mix=soak}: connect, echo and relay, registry, introduction, publish
 * and play, leave, at a steady rate) against the assembled install started with JMX; asserts the
 * kit's verdict (heap after GC, threads and file descriptors flat, every session gone after the
 * drain) and, from a live-object class histogram of the server after the drain, that no visit's
 * broadcast stream or scope stayed (Red5 1.3.17 kept one of each per published name; fixed in
 * LiveProviderService). CI runs 3 minutes; {@code -Dnimbus.soak.duration=30m} runs the long soak.
 * The samples (soak.csv), plot (soak.png), verdict (soak.txt) and histograms land in target/soak.
 */
class SoakIT {
    /** Short keepalive and idle timeout so that the visits left without a close are reaped within the drain. */
    private static final int KEEPALIVE_SECONDS = 2;
    private static final int IDLE_TIMEOUT_SECONDS = 6;
    /** Live instances of a per-visit class allowed after the drain: none should stay; a few may be in flight in GC'd-late caches. */
    private static final int LEFT_AFTER_DRAIN = 4;

    @Test
    void serverStaysFlatUnderASteadySoak() throws Exception {
        String duration = System.getProperty("nimbus.soak.duration", "3m");
        String rate = System.getProperty("nimbus.soak.rate", "2");
        Path out = Red5Install.assembled().toAbsolutePath().getParent().resolve("soak");
        Files.createDirectories(out);
        int jmxPort = Red5Install.freeTcpPort();
        try (Red5Install red5 = Red5Install.copy(Map.of("rtmfp.keepalive_seconds", "" + KEEPALIVE_SECONDS,
                "rtmfp.idle_timeout_seconds", "" + IDLE_TIMEOUT_SECONDS, "registry.keepalive_seconds", "5"))) {
            red5.javaOpts(Red5Install.jmxOpts(jmxPort)).start();
            red5.awaitLine(Pattern.compile("Nimbus \\S+ started: RTMFP on udp"), Duration.ofSeconds(90));
            red5.awaitLine(Pattern.compile("Nimbus registry started"), Duration.ofSeconds(30));
            red5.awaitHttp(Duration.ofSeconds(90));
            Files.writeString(out.resolve("histo-before.txt"), histogram(red5.pid()));

            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            PrintStream original = System.out;
            int code;
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                code = Main.run("rtmfp://127.0.0.1:" + red5.rtmfpPort + "/nimbus",
                        "--registry-tcp", "127.0.0.1:" + red5.registryTcpPort, "--jmx", "127.0.0.1:" + jmxPort,
                        "--load", "sessions=12,rate=" + rate + ",duration=" + duration
                                + ",mix=soak,sample=10s,drain=40s,out=" + out);
            } finally {
                System.setOut(original);
            }
            String said = captured.toString(StandardCharsets.UTF_8);
            original.print(said);
            Files.writeString(out.resolve("kit-output.txt"), said);

            String after = histogram(red5.pid());
            Files.writeString(out.resolve("histo-after.txt"), after);
            Map<String, Long> left = perVisitClasses(after);
            original.println("soak: live instances after the drain " + left);

            assertTrue(Pattern.compile("soak: flat: ").matcher(said).find(), said + "\nserver output:\n" + red5.output());
            assertTrue(Pattern.compile("visits: [1-9][0-9]* done").matcher(said).find(), said);
            assertEquals(0, code, said);
            for (Map.Entry<String, Long> e : left.entrySet()) {
                assertTrue(e.getValue() <= LEFT_AFTER_DRAIN, e.getKey() + ": " + e.getValue() + " live after the drain\n" + after);
            }
            assertTrue(Files.size(out.resolve("soak.png")) > 0 && Files.size(out.resolve("soak.csv")) > 0);
            assertTrue(red5.isAlive(), "the server survived the soak");
        }
    }

    /** The classes one visit makes one of (a stream, its scope, the RTMFP connection behind it) with their live counts. */
    static Map<String, Long> perVisitClasses(String histogram) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String cls : new String[] {"org.red5.server.stream.ClientBroadcastStream",
                "org.red5.server.scope.BroadcastScope", "org.nimbus.red5.RtmfpConnection"}) {
            counts.put(cls, 0L);
        }
        // jmap -histo:live lines: " num: instances bytes class-name (module)"
        Matcher m = Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+(\\S+)").matcher(histogram);
        while (m.find()) {
            if (counts.containsKey(m.group(2))) {
                counts.put(m.group(2), Long.parseLong(m.group(1)));
            }
        }
        return counts;
    }

    /** A class histogram of live objects (a full GC first) of the server JVM, by the JDK's jmap. */
    static String histogram(long pid) throws IOException, InterruptedException {
        String jmap = Path.of(System.getProperty("java.home"), "bin", "jmap").toString();
        Process p = new ProcessBuilder(jmap, "-histo:live", Long.toString(pid)).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("jmap -histo:live " + pid + " failed:\n" + text);
        }
        return text;
    }
}
