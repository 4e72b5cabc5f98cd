package org.nimbus.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nimbus.conformance.cli.CaseResult;
import org.nimbus.conformance.cli.ConformanceCase;
import org.nimbus.conformance.cli.FlowsSuite;
import org.nimbus.conformance.cli.Outcome;
import org.nimbus.conformance.cli.Target;
import org.nimbus.rtmfp.session.SessionConfig;
import org.nimbus.rtmfp.session.SessionListener;

/**
 * The kit's flows suite against the in-process server with a layer above that accepts every flow,
 * so each case takes its acknowledgement path (against the full install, flows no service claims
 * are rejected, the other path the RFC allows).
 */
class KitFlowsSuiteTest {
    private RtmfpServer server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = probe.getLocalPort();
        }
        server = new RtmfpServer(new SessionConfig(100, 1_000, 60_000, 1 << 20, 16), SessionListener.NONE)
                .start(List.of(new InetSocketAddress("127.0.0.1", port)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static List<ConformanceCase> cases() {
        return new FlowsSuite().cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void passesByAcknowledgement(ConformanceCase c) {
        Target t = new Target("rtmfp://127.0.0.1:" + port + "/nimbus", Duration.ofSeconds(10), null, null, Duration.ofSeconds(5));
        CaseResult r = c.run(t);
        assertEquals(Outcome.Verdict.PASS, r.outcome().verdict(), c.id() + ": " + r.outcome().detail());
        assertFalse(r.outcome().detail().contains("rejected"), c.id() + ": " + r.outcome().detail());
    }
}
