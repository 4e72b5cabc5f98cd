package org.nimbus.introduction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nimbus.conformance.load.LoadRunner;
import org.nimbus.conformance.load.LoadSpec;
import org.nimbus.rtmfp.session.FlowDispatcher;
import org.nimbus.rtmfp.session.SessionConfig;
import org.nimbus.transport.RtmfpServer;

/** The kit's {@code --load mix=introduce}, tiny, against the server over loopback UDP, so the mix cannot rot. */
class KitIntroduceLoadTest {
    @Test
    void everyIntroductionIsRedirectedAndTheSampledOnesBecomeDirectSessions() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = probe.getLocalPort();
        }
        PeerDirectory peers = new PeerDirectory();
        FlowDispatcher flows = new FlowDispatcher();
        try (RtmfpServer server = new RtmfpServer(SessionConfig.defaults(), flows)) {
            flows.add(peers);
            // every IHello comes from 127.0.0.1: the per-source limit is set out of reach, as for the benchmark
            IntroductionService.install(server.endpoint(), peers, new IntroductionLimits(1000, 1_000_000, 8));
            server.start(List.of(new InetSocketAddress("127.0.0.1", port)));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
            int code = new LoadRunner(LoadSpec.parse("sessions=4,rate=100,duration=1s,mix=introduce"),
                    "rtmfp://127.0.0.1:" + port + "/nimbus", null, null, null, Duration.ofSeconds(3), out).run();
            String text = bytes.toString(StandardCharsets.UTF_8);
            System.out.print(text);
            assertEquals(0, code, text);
            assertTrue(text.contains("targets: 4 asked, 4 opened, 0 failed"), text);
            // 100 due in the second: 1 in 50 (numbers 0 and 50) goes direct, the other 98 are plain IHellos
            assertTrue(text.contains("introductions: 98 IHellos to 4 targets over 1.00 s: 98 redirected"), text);
            assertTrue(text.contains("0 peer gone, 0 timed out, 0 unsettled"), text);
            assertTrue(text.matches("(?s).*IHello→Redirect\\s+n=98 .*"), text);
            assertTrue(text.contains("direct sessions (1 in 50): 2 started, 2 up with a Ping answered, 0 peer gone, 0 failed; targets accepted 2"), text);
            assertTrue(text.matches("(?s).*direct session\\s+n=2 .*"), text);
            assertTrue(text.contains("targets lost while serving: 0"), text);
            assertTrue(server.endpoint().counters().snapshot().getOrDefault("introduction.introduced", 0L) >= 98,
                    server.endpoint().counters().snapshot().toString());
        }
    }
}
