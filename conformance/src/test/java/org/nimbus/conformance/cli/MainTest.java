package org.nimbus.conformance.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's exit codes, table and JUnit report. */
class MainTest {

    @Test
    void silentServerFailsWithExitOneAndReport(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("r.xml");
        int code;
        try (DatagramSocket mute = new DatagramSocket()) { // bound, never answers
            code = Main.run("rtmfp://127.0.0.1:" + mute.getLocalPort() + "/live", "--case", "HS-01,TC-01",
                    "--timeout", "1200", "--junit", report.toString());
        }
        assertEquals(1, code);
        String xml = Files.readString(report);
        assertTrue(xml.contains("tests=\"2\"") && xml.contains("failures=\"2\""), xml);
        assertTrue(xml.contains("handshake timed out"), xml);
    }

    @Test
    void listAndUsageErrors() {
        assertEquals(0, Main.run("--list"));
        assertEquals(2, Main.run("rtmfp://127.0.0.1:1/x", "--suite", "nosuch"));
        assertEquals(2, Main.run("http://example.org/"));
        assertEquals(2, Main.run("--suite", "tc"));
    }

    @Test
    void caseIdsAreUniqueAndCiteASection() {
        List<ConformanceCase> all = Main.SUITES.values().stream().flatMap(s -> s.cases().stream()).toList();
        assertEquals(all.size(), all.stream().map(ConformanceCase::id).distinct().count());
        assertTrue(all.stream().allMatch(c -> c.section().matches("7(016|425) §[0-9.]+") || c.section().matches("reg §[A-Z][a-z ]+")
                        // the README's "Cirrus-era applications" describes the samples' web service
                        || c.section().matches("cirrus §[A-Z][a-z ]+")),
                all.stream().map(ConformanceCase::section).toList().toString());
        assertTrue(all.size() >= 20);
    }

    @Test
    void tableShowsVerdicts() {
        ConformanceCase c = new ConformanceCase("X-01", "7016 §1", "demo", t -> Outcome.pass("ok"));
        ConformanceCase f = new ConformanceCase("X-02", "7016 §1", "boom", t -> {
            throw new IllegalStateException("bad");
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ResultTable.print(List.of(c.run(null), f.run(null)), new PrintStream(out, true));
        String s = out.toString();
        assertTrue(s.contains("X-01") && s.contains("pass") && s.contains("FAIL") && s.contains("IllegalStateException: bad"), s);
        assertTrue(s.contains("2 cases: 1 pass, 1 fail, 0 n-a"), s);
    }
}
