package org.nimbus.introduction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nimbus.conformance.client.ConnectOptions;
import org.nimbus.conformance.client.Handshake;
import org.nimbus.conformance.client.PeerResponder;
import org.nimbus.conformance.client.ReceivedMessage;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.RtmfpException;
import org.nimbus.conformance.client.RtmfpUri;
import org.nimbus.conformance.client.SendFlow;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.wire.ForwardedIHello;
import org.nimbus.conformance.wire.PeerAddress;
import org.nimbus.conformance.wire.Redirect;
import org.nimbus.rtmfp.session.FlowDispatcher;
import org.nimbus.rtmfp.session.SessionConfig;
import org.nimbus.transport.RtmfpServer;

/**
 * Introductions over real loopback UDP: the server (transport, loop, endpoint, this package)
 * and two independent kit clients. The initiator names the target by peer ID, the server
 * answers with a Redirect and forwards the IHello, the two complete a direct session and
 * exchange data the server never sees.
 */
class IntroductionUdpTest {
    private static final Duration T = Duration.ofSeconds(15);
    private static final byte[] P2P_METADATA = {0x54, 0x43, 0x04, 0x00};

    private RtmfpServer server;
    private PeerDirectory directory;
    private String uri;

    @BeforeEach
    void start() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = probe.getLocalPort();
        }
        directory = new PeerDirectory();
        server = new RtmfpServer(new SessionConfig(100, 15_000, 60_000, 1 << 20, 16), new FlowDispatcher().add(directory));
        IntroductionService.install(server.endpoint(), directory, IntroductionLimits.defaults());
        server.start(List.of(new InetSocketAddress("127.0.0.1", port)));
        uri = "rtmfp://127.0.0.1:" + port + "/nimbus";
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private <T> T onLoop(Callable<T> c) throws Exception {
        return server.loop().submit(c).get(10, TimeUnit.SECONDS);
    }

    private long serverPacketsIn() {
        return server.endpoint().counters().get("packets.in");
    }

    @Test
    void introducedPeersTalkDirectlyAndTheServerCarriesNoneOfIt() throws Exception {
        try (RtmfpClient a = new RtmfpClient(); RtmfpClient b = new RtmfpClient()) {
            // One identity for both of A's sessions, as a Flash peer has: the same DH key, hence certificate and peer ID.
            ConnectOptions asA = ConnectOptions.defaults();
            asA.fixedDhPrivateKey = new byte[128];
            new Random(11).nextBytes(asA.fixedDhPrivateKey);
            Session toServerA = a.connect(uri, asA);
            Session toServerB = b.connect(uri, ConnectOptions.defaults());
            byte[] idB = toServerB.info().peerId();
            // What setPeerInfo would report (the TC layer calls this): B's socket on another local address.
            InetSocketAddress reported = new InetSocketAddress("127.0.0.2", b.transport().localPort());
            onLoop(() -> {
                directory.setPeerInfo(server.endpoint().sessionByPeerId(HexFormat.of().formatHex(idB)), List.of(reported));
                return null;
            });

            PeerResponder target = new PeerResponder(b, toServerB);
            CompletableFuture<Session> accepted = target.acceptAsync(T);
            Handshake h = Handshake.toPeer(a.transport(), RtmfpUri.parse(uri), idB, asA);
            Session direct = h.run();
            SendFlow flow = direct.openFlow(P2P_METADATA, -1);
            direct.send(flow, new byte[] {1}); // the first packet completes the target's accept
            Session atB = accepted.get(20, TimeUnit.SECONDS);

            // The Redirect: same host, so the reported (private) address first, then the observed one.
            Redirect r = h.redirects().get(0);
            assertArrayEquals(h.tag(), r.tagEcho());
            assertEquals(List.of(reported, new InetSocketAddress("127.0.0.1", b.transport().localPort())),
                    r.destinations().stream().map(PeerAddress::socketAddress).toList());
            assertEquals(List.of(PeerAddress.ORIGIN_LOCAL, PeerAddress.ORIGIN_OBSERVED),
                    r.destinations().stream().map(PeerAddress::origin).toList());
            // The Forwarded IHello: A's observed address and A's tag, inside B's server session.
            ForwardedIHello f = target.forwardedIHellos().get(0);
            assertEquals(new InetSocketAddress("127.0.0.1", a.transport().localPort()), f.replyAddress().socketAddress());
            assertEquals(PeerAddress.ORIGIN_OBSERVED, f.replyAddress().origin());
            assertArrayEquals(h.tag(), f.tag());
            assertEquals(HexFormat.of().formatHex(toServerA.info().peerId()), HexFormat.of().formatHex(atB.info().peerId()),
                    "B's direct session is with A");

            // The direct session: 200 KB each way, and not one packet of it reaches the server.
            assertEquals(new InetSocketAddress("127.0.0.1", b.transport().localPort()), direct.peer());
            assertArrayEquals(new byte[] {1}, atB.receive(T).data());
            long before = serverPacketsIn();
            byte[] big = new byte[200_000];
            new Random(5).nextBytes(big);
            // B echoes on its own thread, so both sides pump (acknowledge, retransmit) at once.
            CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> {
                try {
                    ReceivedMessage got = atB.receive(T);
                    SendFlow back = atB.openFlow(P2P_METADATA, got.flowId());
                    atB.send(back, got.data());
                    atB.awaitAcknowledged(back, T);
                    return got.data();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            direct.send(flow, big);
            direct.awaitAcknowledged(flow, T);
            ReceivedMessage echo = direct.receive(T);
            assertArrayEquals(big, echoed.get(20, TimeUnit.SECONDS));
            assertArrayEquals(big, echo.data());
            assertEquals(flow.flowId(), echo.returnFlowId());
            assertEquals(before, serverPacketsIn(), "server packets during the P2P transfer");
            assertTrue(server.endpoint().counters().get("introduction.introduced") >= 1);
        }
    }

    @Test
    void anUnknownPeerIsReportedGoneOnTheRepeatedIHello() throws Exception {
        try (RtmfpClient a = new RtmfpClient()) {
            a.connect(uri, ConnectOptions.defaults());
            byte[] nobody = new byte[32];
            new Random(3).nextBytes(nobody);
            ConnectOptions fast = ConnectOptions.defaults();
            fast.initialRetransmit = Duration.ofMillis(300);
            fast.retransmitBackoff = Duration.ZERO;
            Handshake h = Handshake.toPeer(a.transport(), RtmfpUri.parse(uri), nobody, fast);
            RtmfpException e = assertThrows(RtmfpException.class, h::run);
            assertTrue(e.getMessage().contains("peer gone"), e.getMessage());
            // Fails fast: told on its first retransmission, not after the whole retry schedule.
            assertEquals(1, h.retransmissions());
            assertEquals(1, server.endpoint().counters().get("introduction.unknown-peer"));
            assertEquals(1, server.endpoint().counters().get("introduction.peer-gone"));
        }
    }
}
