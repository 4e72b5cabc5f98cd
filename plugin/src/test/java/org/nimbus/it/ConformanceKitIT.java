package org.nimbus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nimbus.conformance.cli.Main;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The conformance kit, every suite, against the assembled install started as its own process,
 * through the kit's command-line entry point; the JUnit report lands in the build folder
 * ({@code conformance-kit.xml}). Also a short load-mode run that reads the server's heap and CPU
 * over JMX.
 */
class ConformanceKitIT {
    /** Cases that may be not applicable against Nimbus, each with the reason. None today. */
    static final Map<String, String> NOT_APPLICABLE_ON_NIMBUS = Map.of();

    private static final int KEEPALIVE_SECONDS = 2;
    private static Red5Install red5;
    private static int jmxPort;

    @BeforeAll
    static void start() throws Exception {
        jmxPort = Red5Install.freeTcpPort();
        red5 = Red5Install.copy(Map.of("rtmfp.keepalive_seconds", "" + KEEPALIVE_SECONDS));
        red5.javaOpts(Red5Install.jmxOpts(jmxPort)).start();
        red5.awaitLine(Pattern.compile("Nimbus \\S+ started: RTMFP on udp"), Duration.ofSeconds(90));
        red5.awaitLine(Pattern.compile("Nimbus registry started"), Duration.ofSeconds(30));
        red5.awaitHttp(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() throws Exception {
        if (red5 != null) {
            red5.close();
        }
    }

    /** The application every suite runs in: the one the registry cases and the call mix need. */
    private static final String APP = "nimbus";

    private static String uri() {
        return "rtmfp://127.0.0.1:" + red5.rtmfpPort + "/" + APP;
    }

    /** A case's verdict from the report: pass, FAIL or n-a, with its detail. */
    private record Verdict(String id, String result, String detail) {
    }

    private static List<Verdict> readReport(Path report) throws Exception {
        List<Verdict> out = new ArrayList<>();
        NodeList cases = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile())
                .getElementsByTagName("testcase");
        for (int i = 0; i < cases.getLength(); i++) {
            Element c = (Element) cases.item(i);
            String id = c.getAttribute("name").split(" ", 2)[0];
            NodeList failure = c.getElementsByTagName("failure");
            NodeList skipped = c.getElementsByTagName("skipped");
            if (failure.getLength() > 0) {
                out.add(new Verdict(id, "FAIL", ((Element) failure.item(0)).getAttribute("message")));
            } else if (skipped.getLength() > 0) {
                out.add(new Verdict(id, "n-a", ((Element) skipped.item(0)).getAttribute("message")));
            } else {
                out.add(new Verdict(id, "pass", c.getTextContent()));
            }
        }
        return out;
    }

    @Test
    void everySuitePassesAgainstTheAssembledInstall() throws Exception {
        Path report = Red5Install.assembled().toAbsolutePath().getParent().resolve("conformance-kit.xml");
        int code = Main.run(uri(), "--registry-tcp", "127.0.0.1:" + red5.registryTcpPort,
                "--registry-ws", red5.registryWsUri().toString(), "--keepalive-wait",
                "" + KEEPALIVE_SECONDS * 5 * 1000, "--rtmp", "rtmp://127.0.0.1:" + red5.rtmpPort + "/" + APP,
                "--reg-cgi", "http://127.0.0.1:" + red5.httpPort + "/nimbus/reg.cgi",
                "--junit", report.toString());
        List<Verdict> verdicts = readReport(report);
        Map<String, String> problems = new LinkedHashMap<>();
        for (Verdict v : verdicts) {
            if (v.result().equals("FAIL")) {
                problems.put(v.id(), "FAIL: " + v.detail());
            } else if (v.result().equals("n-a") && !NOT_APPLICABLE_ON_NIMBUS.containsKey(v.id())) {
                problems.put(v.id(), "not applicable with no documented reason: " + v.detail());
            }
        }
        assertTrue(problems.isEmpty(), "cases against Nimbus: " + problems + "\nserver output:\n" + red5.output());
        assertTrue(verdicts.stream().filter(v -> v.id().startsWith("HS-")).count() >= 20, "the handshake suite ran");
        assertTrue(verdicts.stream().filter(v -> v.id().startsWith("HS-")).allMatch(v -> v.result().equals("pass")));
        for (String suite : List.of("HS-", "TC-", "FL-", "RB-", "RG-", "IN-", "GR-", "ST-", "CI-")) {
            assertTrue(verdicts.stream().anyMatch(v -> v.id().startsWith(suite)), suite + " cases in the report");
        }
        assertEquals(0, code, "exit code");
        assertTrue(red5.isAlive(), "the server survived the robustness suite");
    }

    @Test
    void loadModeReportsRatesPercentilesAndTheServersHeapAndCpu() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int code;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            code = Main.run(uri(), "--load", "sessions=40,rate=40,duration=5s,mix=handshake", "--jmx", "127.0.0.1:" + jmxPort);
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        original.print(out);
        assertEquals(0, code, out);
        assertTrue(out.contains("40 started, 40 established, 0 failed"), out);
        assertTrue(Pattern.compile("handshake \\(due→up\\)\\s+n=40\\s+p50 [0-9.]+\\s+p90 [0-9.]+\\s+p99 [0-9.]+").matcher(out).find(), out);
        assertTrue(Pattern.compile("heap used [0-9.]+ MB at start, peak [0-9.]+ MB").matcher(out).find(), out);
        assertTrue(Pattern.compile("CPU [0-9]+ % of one core").matcher(out).find(), out);
        assertFalse(out.contains("first failure"), out);
    }
}
