package org.nimbus.it;

import static org.nimbus.it.E2eScript.assertSteps;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * WebRTC calls (camera and microphone: Chromium's fake devices) between pages with no RTMFP, in
 * headless Chromium against the assembled install, with Debian's coturn started here: runs
 * flash-client/e2e/call.e2e.mjs (a call answered with video frames decoded and audio packets
 * received growing on both sides, busy, hang-up, decline, no answer, camera permission denied
 * for caller and callee, and a call whose media goes through the TURN server with the minted
 * credentials, relay-only ICE).
 */
class WebRtcCallE2EIT {
    private static final long RUN_SECONDS = 150;

    @Test
    void pagesCallWithCameraAndMicrophoneOverWebRtc() throws Exception {
        try (Coturn turn = Coturn.start("nimbus-it-turn-secret-0123456789");
             Red5Install red5 = Red5Install.copy(Map.of("webrtc.turn", turn.url(), "webrtc.turn_secret", turn.secret,
                     "webrtc.turn_ttl", "600"))) {
            red5.start();
            red5.awaitHttp(Duration.ofSeconds(90));
            String out = E2eScript.run(red5, "call.e2e.mjs", RUN_SECONDS, "--turn");
            assertSteps(out, List.of("each remote <video> plays", "is busy", "hangUp(): call.ended", "decline(): call.ended",
                    "an unanswered call ends", "camera permission denied", "the call's media goes through the TURN server",
                    "E2E PASS"));
        }
    }
}
