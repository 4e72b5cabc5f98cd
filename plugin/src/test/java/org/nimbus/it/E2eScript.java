package org.nimbus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of flash-client/e2e/*.mjs (node + playwright-core driving Debian's chromium) against a
 * started install, with the arguments every such script takes (--base, --registry-port,
 * --registry-ws, --chromium) and the script's own; fails unless it exits 0 within the time given,
 * showing its output (and Red5's). A missing chromium fails the test.
 */
final class E2eScript {
    private E2eScript() {
    }

    /** Returns the script's output (also printed), once it passed. */
    static String run(Red5Install red5, String script, long seconds, String... extra) throws Exception {
        Path install = Red5Install.assembled().toAbsolutePath();
        Path repo = install.getParent().getParent().getParent();
        Path chromium = Path.of(System.getProperty("nimbus.chromium", "/usr/bin/chromium"));
        assertTrue(Files.isExecutable(chromium), "no Chromium at " + chromium + ": install Debian's chromium package");
        List<String> cmd = new ArrayList<>(List.of("node", repo.resolve("flash-client/e2e").resolve(script).toString(),
                "--base", "http://127.0.0.1:" + red5.httpPort,
                "--registry-port", Integer.toString(red5.registryTcpPort),
                "--registry-ws", red5.registryWsUri().toString(),
                "--chromium", chromium.toString()));
        cmd.addAll(List.of(extra));
        Path log = Files.createTempFile("nimbus-e2e-", ".log");
        try {
            Process node = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            boolean ended = node.waitFor(seconds, TimeUnit.SECONDS);
            if (!ended) {
                node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(ended, script + " did not end within " + seconds + " s:\n" + out);
            System.out.println(out);
            assertEquals(0, node.exitValue(), () -> script + " failed:\n" + out + "\n--- Red5:\n" + red5.output());
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Fails naming the first step missing from a script's output. */
    static void assertSteps(String out, List<String> steps) {
        for (String step : steps) {
            assertTrue(out.contains(step), "missing step '" + step + "' in:\n" + out);
        }
    }
}
