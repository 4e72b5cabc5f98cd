package org.nimbus.conformance.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What the suites conclude without a real server: a responder that answers garbage fails the
 * robustness cases, a silent one fails "then a good client", a target without a registry makes
 * the registry cases not applicable.
 */
class SuitesWithoutServerTest {

    private static ConformanceCase caseOf(Suite s, String id) {
        return s.cases().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void aServerThatAnswersGarbageFailsTheDropCase() throws Exception {
        try (DatagramSocket echo = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[70_000];
                try {
                    while (true) {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        echo.receive(p);
                        echo.send(new DatagramPacket(new byte[] {1}, 1, p.getSocketAddress()));
                    }
                } catch (Exception closed) {
                    // socket closed: test over
                }
            });
            t.setDaemon(true);
            t.start();
            Target target = new Target("rtmfp://127.0.0.1:" + echo.getLocalPort() + "/x", Duration.ofMillis(500));
            CaseResult r = caseOf(new RobustnessSuite(), "RB-01").run(target);
            assertEquals(Outcome.Verdict.FAIL, r.outcome().verdict());
            assertTrue(r.outcome().detail().contains("answer(s) to truncated datagrams"), r.outcome().detail());
        }
    }

    @Test
    void aSilentServerFailsTheGoodClientAfterTheGarbage() throws Exception {
        try (DatagramSocket mute = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Target target = new Target("rtmfp://127.0.0.1:" + mute.getLocalPort() + "/x", Duration.ofMillis(500));
            CaseResult r = caseOf(new RobustnessSuite(), "RB-06").run(target);
            assertEquals(Outcome.Verdict.FAIL, r.outcome().verdict());
            assertTrue(r.outcome().detail().contains("handshake timed out"), r.outcome().detail());
        }
    }

    @Test
    void registryCasesAreNotApplicableWithoutEndpoints() {
        Target target = new Target("rtmfp://127.0.0.1:1/x", Duration.ofMillis(200));
        for (ConformanceCase c : new RegistrySuite().cases()) {
            CaseResult r = c.run(target);
            assertEquals(Outcome.Verdict.NA, r.outcome().verdict(), c.id() + ": " + r.outcome().detail());
        }
    }
}
