package org.nimbus.it;

import static org.nimbus.it.E2eScript.assertSteps;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * WebRTC data channels between two pages with no RTMFP, in headless Chromium against the
 * assembled install: runs flash-client/e2e/webrtc.e2e.mjs (data channel signalled through the
 * registry, no message relayed by the server, order kept, fallback when the channel is killed
 * mid-conversation), then again with --turn against Debian's coturn started here on loopback with
 * a static-auth-secret the registry mints credentials from (relay-only ICE works with them, fails
 * with forged ones). Calls are WebRtcCallE2EIT's.
 */
class WebRtcE2EIT {
    private static final long RUN_SECONDS = 150;

    @Test
    void pagesTalkOnADataChannelAndFallBackToTheRelay() throws Exception {
        // the script reads the registry's relayed count on the status page
        String out = run(Map.of("status.access", "allow"));
        assertSteps(out, List.of("path: 'webrtc'", "the registry relayed none", "arrive exactly once, in order", "E2E PASS"));
    }

    @Test
    void turnWorksWithMintedCredentialsAndFailsWithForgedOnes() throws Exception {
        try (Coturn turn = Coturn.start("nimbus-it-turn-secret-0123456789")) {
            String out = run(Map.of("webrtc.turn", turn.url(), "webrtc.turn_secret", turn.secret, "webrtc.turn_ttl", "600"), "--turn");
            assertSteps(out + "\n--- coturn:\n" + turn.log(), List.of("with the minted TURN credentials", "forged TURN credentials", "E2E PASS"));
        }
    }

    private static String run(Map<String, String> props, String... extra) throws Exception {
        try (Red5Install red5 = Red5Install.copy(props)) {
            red5.start();
            red5.awaitHttp(Duration.ofSeconds(90));
            return E2eScript.run(red5, "webrtc.e2e.mjs", RUN_SECONDS, extra);
        }
    }
}
