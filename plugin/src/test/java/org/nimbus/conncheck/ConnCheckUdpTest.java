package org.nimbus.conncheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nimbus.conformance.cli.ConnCheck;
import org.nimbus.conformance.client.ConnectOptions;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.tc.Command;
import org.nimbus.conformance.tc.ConnectStyle;
import org.nimbus.conformance.tc.NetConnection;
import org.nimbus.conformance.tc.TcMessage;
import org.nimbus.conformance.cli.ConnCheckSuite;
import org.nimbus.conformance.cli.Outcome;
import org.nimbus.conformance.cli.Target;
import org.nimbus.introduction.RendezvousTestServer;
import org.nimbus.it.Red5Install;

/**
 * The connectivity check over real sockets on loopback (127.0.0.1, .2 and .3 are all this host's
 * on Linux): the kit's client, with no NAT between, is let in from everywhere and its
 * introduction answer keeps its address and port; a server without the extra sockets refuses a
 * conncheck connect, saying why, and the kit case is then n/a.
 */
class ConnCheckUdpTest {
    private static final Duration T = Duration.ofSeconds(5);

    @Test
    void withNoNatBetweenEveryProbeGetsThroughAndTheSessionIsClosedAfterTheResults() throws Exception {
        int port = Red5Install.freeUdpPort();
        int p2 = Red5Install.freeUdpPort();
        int p3 = Red5Install.freeUdpPort();
        int p4 = Red5Install.freeUdpPort();
        try (RendezvousTestServer.Running s = RendezvousTestServer.start(List.of(new InetSocketAddress("127.0.0.1", port)),
                List.of(new InetSocketAddress("127.0.0.1", p2), new InetSocketAddress("127.0.0.2", p3),
                        new InetSocketAddress("127.0.0.3", p4)))) {
            ConnCheck.Report r = ConnCheck.run("rtmfp://127.0.0.1:" + port + "/anything", T);
            assertFalse(r.refused(), r.notOffered());
            Map<String, Object> f = r.fields();
            String pub = (String) f.get("publicAddress");
            assertTrue(pub.startsWith("127.0.0.1:"), f.toString());
            assertEquals(false, f.get("publicAddressIsLocal"), "loopback is not reported in setPeerInfo: " + f);
            assertEquals(true, f.get("receiveSameAddressDifferentPortAllowed"), f.toString());
            assertEquals(true, f.get("receiveDifferentAddressDifferentPortAllowed"), f.toString());
            assertEquals(true, f.get("sendAfterIntroductionAllowed"), f.toString());
            assertEquals(true, f.get("sendAfterIntroductionPreservesSourceAddress"), f.toString());
            assertEquals(true, f.get("sendAfterIntroductionPreservesSourcePort"), f.toString());
            assertFalse(f.containsKey("(session)"), "the server closed the session: " + f);
            assertTrue(r.rhellosTo().contains("/127.0.0.3:" + p4), "the FIHello's reply address: " + r.rhellosTo());
            assertTrue(r.rhellosTo().contains("/127.0.0.1:" + p2), r.rhellosTo().toString());
            assertTrue(r.rhellosTo().contains("/127.0.0.2:" + p3), r.rhellosTo().toString());
            Outcome o = new ConnCheckSuite().cases().get(0).run(
                    new Target("rtmfp://127.0.0.1:" + port + "/", T)).outcome();
            assertEquals(Outcome.Verdict.PASS, o.verdict(), o.detail());
            assertEquals(0, org.nimbus.conformance.cli.Main.run("rtmfp://127.0.0.1:" + port + "/", "--conncheck"), "--conncheck");
            Map<String, Long> counters = s.server().loop().submit(() -> s.server().endpoint().counters().snapshot()).get();
            assertEquals(3L, counters.get("conncheck.results"), counters.toString());
            long open = s.server().loop().submit(() -> s.server().endpoint().sessions().stream()
                    .filter(x -> x.isOpen()).count()).get();
            assertEquals(0, open, "the server closed both sessions after their results");
        }
    }

    /** A client that connects and sends setPeerInfo but answers no probe: its check runs its full 2.5 s. */
    private static NetConnection silentCheck(RtmfpClient client, int port) throws Exception {
        String uri = "rtmfp://127.0.0.1:" + port + "/conncheck";
        Session s = client.connect(uri, ConnectOptions.defaults().timeout(T));
        NetConnection nc = new NetConnection(s);
        assertTrue(nc.connect("conncheck", uri, ConnectStyle.FLASH, T).success());
        // Sent without waiting for the _result: a session refused for max_checks is closed at once.
        nc.send(new Command("setPeerInfo", nc.nextTransactionId(), java.util.Arrays.asList(null,
                "10.9.8.7:" + client.transport().localPort())), TcMessage.COMMAND_AMF0);
        return nc;
    }

    @Test
    void beyondMaxChecksASessionIsClosedWithoutResultsAndAnUnansweringClientGetsAllFalse() throws Exception {
        int port = Red5Install.freeUdpPort();
        try (RendezvousTestServer.Running s = RendezvousTestServer.start(List.of(new InetSocketAddress("127.0.0.1", port)),
                List.of(new InetSocketAddress("127.0.0.1", Red5Install.freeUdpPort()),
                        new InetSocketAddress("127.0.0.2", Red5Install.freeUdpPort()),
                        new InetSocketAddress("127.0.0.3", Red5Install.freeUdpPort())), 1);
             RtmfpClient first = new RtmfpClient(); RtmfpClient second = new RtmfpClient()) {
            NetConnection nc = silentCheck(first, port);
            Session a = nc.session();
            long t0 = System.nanoTime();
            Session b = silentCheck(second, port).session();
            b.awaitClosedByPeer(T); // the one check allowed is under way
            assertTrue(b.pending().stream().noneMatch(m -> new String(m.data(), java.nio.charset.StandardCharsets.ISO_8859_1)
                    .contains("ConnectivityCheck")), "no results for a check that never started");
            Command status = nc.awaitCommand("onStatus", Duration.ofSeconds(5));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            var info = status.infoObject();
            assertEquals("NetConnection.ConnectivityCheck.Results", info.get("code"));
            assertEquals(false, info.get("receiveSameAddressDifferentPortAllowed"), info.toString());
            assertEquals(false, info.get("receiveDifferentAddressDifferentPortAllowed"), info.toString());
            assertEquals(false, info.get("sendAfterIntroductionAllowed"), info.toString());
            assertEquals(false, info.get("publicAddressIsLocal"), info.toString());
            assertTrue(ms >= 2000 && ms < 5000, "unanswered probes end the check after their tries: " + ms + " ms");
            a.awaitClosedByPeer(T);
            Map<String, Long> counters = s.server().loop().submit(() -> s.server().endpoint().counters().snapshot()).get();
            assertEquals(1L, counters.get("conncheck.busy"), counters.toString());
            assertEquals(10L, counters.get("conncheck.probe"), "5 tries from each of two sockets: " + counters);
            assertEquals(5L, counters.get("conncheck.forwarded-ihello"), counters.toString());
        }
    }

    @Test
    void withoutTheExtraSocketsAConncheckConnectIsRefusedSayingSo() throws Exception {
        int port = Red5Install.freeUdpPort();
        try (RendezvousTestServer.Running s = RendezvousTestServer.start(List.of(new InetSocketAddress("127.0.0.1", port)))) {
            ConnCheck.Report r = ConnCheck.run("rtmfp://127.0.0.1:" + port + "/", T);
            assertTrue(r.refused());
            assertTrue(r.notOffered().contains("NetConnection.Connect.Rejected") && r.notOffered().contains("conncheck.other_port"),
                    r.notOffered());
            Outcome o = new ConnCheckSuite().cases().get(0).run(new Target("rtmfp://127.0.0.1:" + port + "/", T)).outcome();
            assertEquals(Outcome.Verdict.NA, o.verdict(), o.detail());
            assertEquals(2, org.nimbus.conformance.cli.Main.run("rtmfp://127.0.0.1:" + port + "/", "--conncheck"), "refused: exit 2");
        }
    }
}
