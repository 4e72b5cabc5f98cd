package org.nimbus.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Stored sends per second and their latency, and reading 10 000 stored messages back in
 * delivery pages, on embedded H2 (as the plugin opens it) or a PostgreSQL cluster started for
 * the run (BENCHMARKS.md, section Message store). Not a test: run its main, as BENCHMARKS.md shows.
 * Args: {@code h2} or {@code pg}, then the number of timed stores (default 20 000).
 */
public final class StoreBenchmark {
    public static void main(String[] args) throws Exception {
        boolean pg = args.length > 0 && args[0].equals("pg");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        Path dir = Files.createTempDirectory("issue17-bench");
        PostgresCluster cluster = pg ? PostgresCluster.start() : null;
        String url = pg ? cluster.url() : "jdbc:h2:file:" + dir.resolve("nimbus-store").toAbsolutePath() + ";WRITE_DELAY=0";
        try (JdbcMessageStore s = JdbcMessageStore.open(url, pg ? "nimbus" : "", "")) {
            for (int i = 0; i < 2000; i++) { // warm-up
                s.store("warm", "up" + (i % 50), "w" + i, "warm-up text of a chat message", i, true, Integer.MAX_VALUE);
            }
            long[] nanos = new long[n];
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                s.store("alice", "user" + (i % 1000), "m" + i, "a chat message of about sixty characters, stored offline", i,
                        true, 1000);
                nanos[i] = System.nanoTime() - t;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Arrays.sort(nanos);
            System.out.printf("%s: %d stored sends in %.2f s = %.0f/s; p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    pg ? "postgresql" : "h2", n, seconds, n / seconds, nanos[n / 2] / 1e6, nanos[(int) (n * 0.99)] / 1e6,
                    nanos[n - 1] / 1e6);
            for (int i = 0; i < 10_000; i++) {
                s.store("carol", "dave", "d" + i, "message " + i + " waiting for dave's next login", i, true, 10_000);
            }
            long t = System.nanoTime();
            int read = 0;
            long after = 0;
            while (true) {
                List<StoredMessage> page = s.undelivered("dave", after, 500);
                read += page.size();
                if (page.size() < 500) {
                    break;
                }
                after = page.get(page.size() - 1).id();
            }
            double readMs = (System.nanoTime() - t) / 1e6;
            t = System.nanoTime();
            after = 0;
            for (StoredMessage m : s.undelivered("dave", 0, 10_000)) {
                s.acknowledge("dave", m.id());
            }
            double ackMs = (System.nanoTime() - t) / 1e6;
            System.out.printf("%s: %d stored messages read in delivery pages of 500 in %.0f ms; all acknowledged in %.0f ms%n",
                    pg ? "postgresql" : "h2", read, readMs, ackMs);
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }
}
