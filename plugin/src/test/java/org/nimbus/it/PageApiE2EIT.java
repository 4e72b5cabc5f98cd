package org.nimbus.it;

import static org.nimbus.it.E2eScript.assertSteps;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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
        try (Red5Install red5 = Red5Install.copy(Map.of())) {
            red5.start();
            red5.awaitHttp(Duration.ofSeconds(90));
            String out = E2eScript.run(red5, "api.e2e.mjs", RUN_SECONDS);
            assertSteps(out, List.of("allowScriptAccess=always", "error.swf", "onStatus('runtime', 'ruffle'",
                    "error.bad-token", "finds it online", "are one user", "arrive exactly", "30 rapid messages arrive in order", "arrive with path webrtc",
                    "4097 get error.too-long", "gets the next message", "give error.call", "error.not-connected", "E2E PASS"));
        }
    }
}
