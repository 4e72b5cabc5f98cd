package org.nimbus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The demo chat page in headless Chromium against the assembled install: runs
 * flash-client/e2e/chat.e2e.mjs (playwright-core driving Debian's chromium; nimbus.swf under
 * Ruffle, the registry over its WebSocket: no registryWs parameter, so nimbus.js's same-origin
 * default, /nimbus/registry on the page's own host and port, is what Ruffle's socketProxy uses), which signs in an account page and a guest page,
 * messages both ways, checks the bad-input errors, has this test restart the server and checks
 * that the pages reconnect and chat again, then that closing a page turns it offline on the
 * other's list. Screenshots go to <build dir>/e2e-artifacts. A missing chromium or node fails
 * the test.
 */
class DemoChatE2EIT {
    private static final Duration START = Duration.ofSeconds(90);
    private static final long RUN_SECONDS = 240;

    @Test
    void accountAndGuestChatThroughTheDemoPage() throws Exception {
        Path install = Red5Install.assembled().toAbsolutePath();
        Path repo = install.getParent().getParent().getParent();
        Path script = repo.resolve("flash-client/e2e/chat.e2e.mjs");
        Path playwright = repo.resolve("flash-client/node_modules/playwright-core");
        Path chromium = Path.of(System.getProperty("nimbus.chromium", "/usr/bin/chromium"));
        Path artifacts = install.getParent().resolve("e2e-artifacts");
        assertTrue(Files.isExecutable(chromium), "no Chromium at " + chromium
                + ": install Debian's chromium package (./nimbus test does)");
        assertTrue(Files.isRegularFile(script), "no E2E script at " + script);
        assertTrue(Files.isDirectory(playwright), "no " + playwright + ": the flash-client build runs npm ci");

        // A fixed secret, as an operator sets one: the account page's token must outlive the restart.
        try (Red5Install red5 = Red5Install.copy(Map.of("registry.secret", "e2e-secret-0123456789abcdef"))) {
            red5.start();
            red5.awaitHttp(START);

            List<String> command = List.of("node", script.toString(),
                    "--base", "http://127.0.0.1:" + red5.httpPort,
                    "--registry-port", Integer.toString(red5.registryTcpPort),
                    "--artifacts", artifacts.toString(),
                    "--chromium", chromium.toString(),
                    "--restart");
            ProcessBuilder pb = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true);
            Process node;
            try {
                node = pb.start();
            } catch (IOException e) {
                throw new AssertionError("cannot run node (install Node.js; ./nimbus test does): " + e.getMessage(), e);
            }
            StringBuffer out = new StringBuffer();
            CountDownLatch restartAsked = new CountDownLatch(1);
            Thread pump = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        out.append(line).append('\n');
                        if (line.equals("RESTART SERVER")) {
                            restartAsked.countDown();
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "e2e-output");
            pump.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RUN_SECONDS);
            // the script asks for the restart once the pages have chatted; it may also end first (failure)
            node.onExit().thenRun(restartAsked::countDown);
            restartAsked.await(RUN_SECONDS, TimeUnit.SECONDS);
            if (node.isAlive() && out.indexOf("RESTART SERVER\n") >= 0) {
                red5.stop();
                red5.start();
                try (Writer w = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8)) {
                    w.write("restarted\n");
                }
            }
            if (!node.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                node.destroyForcibly();
                pump.join(5000);
                fail("the E2E run did not end within " + RUN_SECONDS + " s:\n" + out
                        + "\n--- Red5:\n" + tail(red5.output()));
            }
            pump.join(5000);
            String output = out.toString();
            System.out.println(output);
            assertEquals(0, node.exitValue(), () -> "E2E run failed:\n" + output + "\n--- Red5:\n" + tail(red5.output()));
            for (String step : List.of("A signed in as account", "B continued as guest", "online",
                    "B shows A's message", "A shows B's answer", "delivery path shown: A→B webrtc, B→A webrtc", "a reopened chat shows its path (webrtc)",
                    "error.too-long", "error.unknown-user", "error.call", "error.not-connected",
                    "messages still flow after the bad input", "both pages saw the server go",
                    "after a server restart both pages reconnect and register again", "offline on A's list",
                    "E2E PASS")) {
                assertTrue(output.contains(step), "missing step '" + step + "' in:\n" + output);
            }
            for (String png : List.of("a-conversation.png", "b-conversation.png", "a-after-b-left.png")) {
                assertTrue(Files.size(artifacts.resolve(png)) > 10_000, "screenshot " + png);
            }
        }
    }

    private static String tail(String s) {
        return s.length() > 8000 ? s.substring(s.length() - 8000) : s;
    }
}
