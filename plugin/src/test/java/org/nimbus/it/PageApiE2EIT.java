package org.nimbus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The page API (nimbus.js) in headless Chromium against the assembled install: runs
 * flash-client/e2e/api.e2e.mjs, which checks the runtime choice (the Flash Player embed when the
 * browser reports the plugin, Ruffle otherwise) and drives three pages through Nimbus.* directly
 * (see the script for every step). A missing chromium or node fails the test.
 */
class PageApiE2EIT {
    private static final long RUN_SECONDS = 180;

    @Test
    void thePageApiKeepsItsPromisesUnderRuffle() throws Exception {
        Path install = Red5Install.assembled().toAbsolutePath();
        Path repo = install.getParent().getParent().getParent();
        Path script = repo.resolve("flash-client/e2e/api.e2e.mjs");
        Path chromium = Path.of(System.getProperty("nimbus.chromium", "/usr/bin/chromium"));
        assertTrue(Files.isExecutable(chromium), "no Chromium at " + chromium + ": install Debian's chromium package");
        try (Red5Install red5 = Red5Install.copy(Map.of())) {
            red5.start();
            red5.awaitHttp(Duration.ofSeconds(90));
            Path log = Files.createTempFile("nimbus-api-e2e-", ".log");
            Process node = new ProcessBuilder(List.of("node", script.toString(),
                    "--base", "http://127.0.0.1:" + red5.httpPort,
                    "--registry-port", Integer.toString(red5.registryTcpPort),
                    "--registry-ws", "ws://127.0.0.1:" + red5.httpPort + "/nimbus/registry",
                    "--chromium", chromium.toString()))
                    .directory(repo.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean ended = node.waitFor(RUN_SECONDS, TimeUnit.SECONDS);
            if (!ended) {
                node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(ended, "the API E2E run did not end within " + RUN_SECONDS + " s:\n" + out);
            System.out.println(out);
            assertEquals(0, node.exitValue(), () -> "API E2E failed:\n" + out + "\n--- Red5:\n" + red5.output());
            for (String step : List.of("allowScriptAccess=always", "error.swf", "onStatus('runtime', 'ruffle'",
                    "error.bad-token", "finds it online", "are one user", "arrive exactly", "30 rapid messages arrive in order", "arrive with path webrtc",
                    "4097 get error.too-long", "gets the next message", "give error.call", "error.not-connected", "E2E PASS")) {
                assertTrue(out.contains(step), "missing step '" + step + "' in:\n" + out);
            }
        }
    }
}
