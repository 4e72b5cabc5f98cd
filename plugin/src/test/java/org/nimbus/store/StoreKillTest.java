package org.nimbus.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing acknowledged is lost: a JVM storing into the embedded H2 file as the plugin opens it
 * (WRITE_DELAY=0) is killed with SIGKILL mid-run; every message it reported stored is there after.
 * Without WRITE_DELAY=0 (H2's default 500 ms) this test lost 574 of 2 000 acknowledged messages.
 */
class StoreKillTest {
    /** Acknowledged stores before the kill (-Dnimbus.store.kill.after for a longer run). */
    static final int AFTER = Integer.getInteger("nimbus.store.kill.after", 2000);

    @TempDir
    Path dir;

    @Test
    void everyMessageReportedStoredSurvivesKill9() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("nimbus-store").toAbsolutePath() + ";WRITE_DELAY=0";
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), StoreKillChild.class.getName(), url)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> acked = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                acked.add(line);
                if (acked.size() == AFTER) {
                    // SIGKILL: no shutdown hook, no close, mid-transaction; lines already in the pipe are read on
                    new ProcessBuilder("kill", "-9", Long.toString(child.pid())).inheritIO().start().waitFor();
                }
            }
        }
        child.waitFor();
        assertTrue(acked.size() >= AFTER, "child stored " + acked.size());
        try (JdbcMessageStore s = JdbcMessageStore.open(url, "", "")) {
            Set<String> kept = new HashSet<>();
            long after = 0;
            while (true) {
                List<StoredMessage> page = s.undelivered("bob", after, 10_000);
                page.forEach(m -> kept.add(m.mid()));
                if (page.isEmpty()) {
                    break;
                }
                after = page.get(page.size() - 1).id();
            }
            List<String> lost = acked.stream().filter(id -> !kept.contains(id)).toList();
            assertTrue(lost.isEmpty(), lost.size() + " of " + acked.size() + " acknowledged messages lost, e.g. "
                    + lost.subList(0, Math.min(5, lost.size())));
        }
    }
}
