package org.nimbus.introduction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nimbus.conformance.client.ConnectOptions;
import org.nimbus.conformance.client.Handshake;
import org.nimbus.conformance.client.PeerResponder;
import org.nimbus.conformance.client.ReceivedMessage;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.RtmfpUri;
import org.nimbus.conformance.client.SendFlow;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.client.UdpTransport;
import org.nimbus.conformance.tc.Command;
import org.nimbus.conformance.tc.ConnectStyle;
import org.nimbus.conformance.tc.NetConnection;
import org.nimbus.conformance.wire.Chunk;
import org.nimbus.conformance.wire.ChunkType;
import org.nimbus.conformance.wire.CryptoDirection;
import org.nimbus.conformance.wire.DatagramCodec;
import org.nimbus.conformance.wire.ForwardedIHello;
import org.nimbus.conformance.wire.PeerAddress;
import org.nimbus.conformance.wire.Redirect;
import org.nimbus.conformance.wire.WireFormatException;
import org.nimbus.transport.RtmfpServer;

/**
 * Introductions over IPv6 (and IPv4 beside it) with real loopback UDP sockets: the rendezvous
 * server as {@link RendezvousTestServer} wires it (TC layer with {@code setPeerInfo},
 * introductions), bound on {@code [::1]} and {@code 127.0.0.1}, and independent kit clients.
 *
 * <p>Expected Redirect and Forwarded IHello bytes are written out here from RFC 7016 (§2.1.5
 * socket address: a flags byte whose bit 0x80 says IPv6 and whose low two bits give the origin,
 * 1 local interface, 2 observed; then 4 or 16 address bytes and a 16-bit port; §2.3.5 Redirect:
 * tag length, tag echo, addresses; §2.3.3 Forwarded IHello: EPD length, EPD, reply address, tag),
 * never produced by the code under test. The machine must have {@code ::1}: without it these
 * tests fail, they do not skip.
 */
class IntroductionIpv6UdpTest {
    private static final Duration T = Duration.ofSeconds(15);
    private static final Duration RESEND = Duration.ofSeconds(1);
    private static final byte[] P2P_METADATA = {0x54, 0x43, 0x04, 0x00};
    private static final byte[] V6_LOOPBACK = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    private static final byte[] V4_LOOPBACK = {127, 0, 0, 1};
    private static final byte[] V4_LOOPBACK_2 = {127, 0, 0, 2};

    private RendezvousTestServer.Running running;
    private RtmfpServer server;
    private int port;
    private String uri6;
    private String uri4;

    /** Fails (never skips) when IPv6 loopback is missing or the kit's sockets cannot reach it. */
    @BeforeAll
    static void requireIpv6Loopback() throws Exception {
        if (Boolean.getBoolean("java.net.preferIPv4Stack")) {
            fail("java.net.preferIPv4Stack=true: this JVM cannot open IPv6 sockets, and these tests need [::1]");
        }
        InetAddress v6 = InetAddress.getByAddress(V6_LOOPBACK);
        try (DatagramSocket bound = new DatagramSocket(new InetSocketAddress(v6, 0));
             UdpTransport kit = new UdpTransport()) {
            // The kit's own socket (a wildcard one) sends to [::1] and hears the answer.
            kit.send(new byte[] {42}, (InetSocketAddress) bound.getLocalSocketAddress());
            DatagramPacket p = new DatagramPacket(new byte[16], 16);
            bound.setSoTimeout((int) T.toMillis());
            bound.receive(p);
            bound.send(new DatagramPacket(new byte[] {43}, 1, p.getSocketAddress()));
            UdpTransport.Datagram back = kit.receive(System.nanoTime() + T.toNanos());
            if (back == null || back.bytes()[0] != 43) {
                fail("the kit's UDP socket sent to [::1] but heard no answer");
            }
        } catch (IOException e) {
            fail("IPv6 loopback [::1] is not usable here (" + e + "): these tests need it and do not skip;"
                    + " check `ip -6 addr show lo` (and net.ipv6.conf.lo.disable_ipv6)", e);
        }
    }

    @BeforeEach
    void start() throws Exception {
        IOException last = null;
        for (int attempt = 0; attempt < 5 && running == null; attempt++) {
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getByAddress(V6_LOOPBACK), 0))) {
                port = probe.getLocalPort();
            }
            try {
                // One port on both families' loopback: a free [::1] port may be taken on 127.0.0.1.
                running = RendezvousTestServer.start(List.of(new InetSocketAddress(InetAddress.getByAddress(V6_LOOPBACK), port),
                        new InetSocketAddress(InetAddress.getByAddress(V4_LOOPBACK), port)));
            } catch (IOException e) {
                last = e;
            }
        }
        if (running == null) {
            throw last;
        }
        server = running.server();
        uri6 = "rtmfp://[::1]:" + port + "/nimbus";
        uri4 = "rtmfp://127.0.0.1:" + port + "/nimbus";
    }

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
    }

    private <V> V onLoop(Callable<V> c) throws Exception {
        return server.loop().submit(c).get(10, TimeUnit.SECONDS);
    }

    private long serverPacketsIn() {
        return server.endpoint().counters().get("packets.in");
    }

    @Test
    void ipv6PeersAreIntroducedAndThenTalkDirectlyOverIpv6() throws Exception {
        InetAddress v6 = InetAddress.getByAddress(V6_LOOPBACK);
        InetSocketAddress server6 = new InetSocketAddress(v6, port);
        try (RtmfpClient a = new RtmfpClient(); RtmfpClient b = new RtmfpClient(); RtmfpClient probe = new RtmfpClient();
             DatagramSocket bSecond = new DatagramSocket(new InetSocketAddress(v6, 0))) {
            ConnectOptions asA = ConnectOptions.defaults();
            asA.fixedDhPrivateKey = new byte[128];
            new Random(17).nextBytes(asA.fixedDhPrivateKey);
            Session toServerA = a.connect(uri6, asA);
            Session toServerB = b.connect(uri6, ConnectOptions.defaults());
            assertEquals(server6, toServerA.peer());
            assertEquals(server6, toServerB.peer());
            byte[] idA = toServerA.info().peerId();
            byte[] idB = toServerB.info().peerId();
            int portA = a.transport().localPort();
            int portB = b.transport().localPort();
            // The server saw both over IPv6.
            assertEquals(new InetSocketAddress(v6, portB),
                    onLoop(() -> server.endpoint().sessionByPeerId(HexFormat.of().formatHex(idB)).address()));
            assertEquals(new InetSocketAddress(v6, portA),
                    onLoop(() -> server.endpoint().sessionByPeerId(HexFormat.of().formatHex(idA)).address()));

            // B's NetConnection reports a second IPv6 candidate, as Flash writes it: "[v6]:port".
            int portB2 = bSecond.getLocalPort();
            setPeerInfo(toServerB, "[::1]:" + portB2);
            assertEquals(List.of(new InetSocketAddress(v6, portB2)), running.peers().addressesOf(HexFormat.of().formatHex(idB)));

            // The Redirect, byte for byte, to an initiator on [::1] (the same IP as B: reported first).
            Handshake probeHello = Handshake.toPeer(probe.transport(), RtmfpUri.parse(uri6), idB, ConnectOptions.defaults());
            byte[] redirect = redirectPayload(probe.transport(), probeHello, server6);
            assertEquals(HexFormat.of().formatHex(concat(new byte[] {0x10}, probeHello.tag(),
                            address(0x81, V6_LOOPBACK, portB2), address(0x82, V6_LOOPBACK, portB))),
                    HexFormat.of().formatHex(redirect), "Redirect: tag, [::1]:B2 local (0x81), [::1]:B observed (0x82)");

            // The introduction itself, and the direct session over ::1.
            PeerResponder target = new PeerResponder(b, toServerB);
            CompletableFuture<Session> accepted = target.acceptAsync(T);
            Handshake h = Handshake.toPeer(a.transport(), RtmfpUri.parse(uri6), idB, asA);
            Session direct = h.run();
            SendFlow flow = direct.openFlow(P2P_METADATA, -1);
            direct.send(flow, new byte[] {1}); // the first packet completes the target's accept
            Session atB = accepted.get(20, TimeUnit.SECONDS);

            Redirect r = h.redirects().get(0);
            assertArrayEquals(h.tag(), r.tagEcho());
            assertEquals(List.of(new InetSocketAddress(v6, portB2), new InetSocketAddress(v6, portB)),
                    r.destinations().stream().map(PeerAddress::socketAddress).toList());
            assertEquals(List.of(PeerAddress.ORIGIN_LOCAL, PeerAddress.ORIGIN_OBSERVED),
                    r.destinations().stream().map(PeerAddress::origin).toList());
            r.destinations().forEach(d -> assertInstanceOf(Inet6Address.class, d.address(), "an IPv6 entry: " + d));

            // The Forwarded IHello to B: A's observed IPv6 address and A's tag, byte for byte.
            ForwardedIHello f = target.forwardedIHellos().stream().filter(x -> Arrays.equals(x.tag(), h.tag()))
                    .findFirst().orElseThrow(() -> new AssertionError("no Forwarded IHello with A's tag"));
            assertEquals(new InetSocketAddress(v6, portA), f.replyAddress().socketAddress());
            assertEquals(PeerAddress.ORIGIN_OBSERVED, f.replyAddress().origin());
            assertInstanceOf(Inet6Address.class, f.replyAddress().address());
            byte[] fihello = forwardedIHelloPayload(toServerB, h.tag());
            assertEquals(HexFormat.of().formatHex(concat(new byte[] {0x22, 0x21, 0x0f}, idB,
                            address(0x82, V6_LOOPBACK, portA), h.tag())),
                    HexFormat.of().formatHex(fihello), "Forwarded IHello: EPD naming B, [::1]:A observed (0x82), A's tag");
            assertEquals(HexFormat.of().formatHex(idA), HexFormat.of().formatHex(atB.info().peerId()),
                    "B's direct session is with A");

            // Direct, over ::1: 100 KB each way, and no packet of it reaches the server.
            assertEquals(new InetSocketAddress(v6, portB), direct.peer());
            assertEquals(new InetSocketAddress(v6, portA), atB.peer());
            assertArrayEquals(new byte[] {1}, atB.receive(T).data());
            long before = serverPacketsIn();
            byte[] big = new byte[100_000];
            new Random(6).nextBytes(big);
            CompletableFuture<byte[]> echoed = echo(atB);
            direct.send(flow, big);
            direct.awaitAcknowledged(flow, T);
            ReceivedMessage echo = direct.receive(T);
            assertArrayEquals(big, echoed.get(20, TimeUnit.SECONDS));
            assertArrayEquals(big, echo.data());
            assertEquals(flow.flowId(), echo.returnFlowId());
            assertEquals(before, serverPacketsIn(), "server packets during the P2P transfer");
            assertTrue(server.endpoint().counters().get("introduction.introduced") >= 2);
        }
    }

    @Test
    void anIpv4TargetThatReportedBothFamiliesIsRedirectedToBothWithTheirFlags() throws Exception {
        InetSocketAddress server4 = new InetSocketAddress(InetAddress.getByAddress(V4_LOOPBACK), port);
        InetSocketAddress server6 = new InetSocketAddress(InetAddress.getByAddress(V6_LOOPBACK), port);
        try (RtmfpClient a = new RtmfpClient(); RtmfpClient b = new RtmfpClient()) {
            ConnectOptions asA = ConnectOptions.defaults();
            asA.fixedDhPrivateKey = new byte[128];
            new Random(19).nextBytes(asA.fixedDhPrivateKey);
            a.connect(uri4, asA);
            Session toServerB = b.connect(uri4, ConnectOptions.defaults());
            byte[] idB = toServerB.info().peerId();
            int portB = b.transport().localPort();
            InetSocketAddress observedB = onLoop(() -> server.endpoint().sessionByPeerId(HexFormat.of().formatHex(idB)).address());
            assertInstanceOf(Inet4Address.class, observedB.getAddress(), "B came in over IPv4");
            assertEquals(new InetSocketAddress(InetAddress.getByAddress(V4_LOOPBACK), portB), observedB);

            // B's socket listens on every local address, so both candidates are really B's.
            setPeerInfo(toServerB, "127.0.0.2:" + portB, "[::1]:" + portB);

            // Initiator on 127.0.0.1, B's own IP: reported candidates first, then the observed address.
            Handshake fromA = Handshake.toPeer(a.transport(), RtmfpUri.parse(uri4), idB, asA);
            assertEquals(HexFormat.of().formatHex(concat(new byte[] {0x10}, fromA.tag(),
                            address(0x01, V4_LOOPBACK_2, portB), address(0x81, V6_LOOPBACK, portB),
                            address(0x02, V4_LOOPBACK, portB))),
                    HexFormat.of().formatHex(redirectPayload(a.transport(), fromA, server4)),
                    "Redirect to 127.0.0.1: 127.0.0.2 local (0x01), [::1] local (0x81), 127.0.0.1 observed (0x02)");

            // Initiator on another IPv4 address (127.0.0.3): the observed address leads.
            try (UdpTransport elsewhere = new UdpTransport(new DatagramSocket(new InetSocketAddress("127.0.0.3", 0)))) {
                Handshake h3 = Handshake.toPeer(elsewhere, RtmfpUri.parse(uri4), idB, ConnectOptions.defaults());
                assertEquals(HexFormat.of().formatHex(concat(new byte[] {0x10}, h3.tag(),
                                address(0x02, V4_LOOPBACK, portB), address(0x01, V4_LOOPBACK_2, portB),
                                address(0x81, V6_LOOPBACK, portB))),
                        HexFormat.of().formatHex(redirectPayload(elsewhere, h3, server4)),
                        "Redirect to 127.0.0.3: 127.0.0.1 observed (0x02), 127.0.0.2 local (0x01), [::1] local (0x81)");
            }

            // Initiator on [::1], asking the server's IPv6 socket about the IPv4 target: same list, observed first.
            try (UdpTransport over6 = new UdpTransport(new DatagramSocket(new InetSocketAddress(InetAddress.getByAddress(V6_LOOPBACK), 0)))) {
                Handshake h6 = Handshake.toPeer(over6, RtmfpUri.parse(uri6), idB, ConnectOptions.defaults());
                assertEquals(HexFormat.of().formatHex(concat(new byte[] {0x10}, h6.tag(),
                                address(0x02, V4_LOOPBACK, portB), address(0x01, V4_LOOPBACK_2, portB),
                                address(0x81, V6_LOOPBACK, portB))),
                        HexFormat.of().formatHex(redirectPayload(over6, h6, server6)),
                        "Redirect to [::1]: 127.0.0.1 observed (0x02), 127.0.0.2 local (0x01), [::1] local (0x81)");
            }

            // And the introduction works from a mixed list: A reaches B directly at one of its addresses.
            PeerResponder target = new PeerResponder(b, toServerB);
            CompletableFuture<Session> accepted = target.acceptAsync(T);
            Handshake h = Handshake.toPeer(a.transport(), RtmfpUri.parse(uri4), idB, asA);
            Session direct = h.run();
            Redirect r = h.redirects().get(0);
            assertEquals(List.of(Inet4Address.class, Inet6Address.class, Inet4Address.class),
                    r.destinations().stream().map(d -> d.address().getClass()).toList());
            Set<InetSocketAddress> bAddresses = Set.of(new InetSocketAddress(InetAddress.getByAddress(V4_LOOPBACK), portB),
                    new InetSocketAddress(InetAddress.getByAddress(V4_LOOPBACK_2), portB),
                    new InetSocketAddress(InetAddress.getByAddress(V6_LOOPBACK), portB));
            assertTrue(bAddresses.contains(direct.peer()), "direct session with " + direct.peer());
            SendFlow flow = direct.openFlow(P2P_METADATA, -1);
            direct.send(flow, new byte[] {7});
            Session atB = accepted.get(20, TimeUnit.SECONDS);
            assertArrayEquals(new byte[] {7}, atB.receive(T).data());
            CompletableFuture<byte[]> echoed = echo(atB);
            direct.send(flow, new byte[] {8, 9});
            direct.awaitAcknowledged(flow, T);
            assertArrayEquals(new byte[] {8, 9}, direct.receive(T).data());
            assertArrayEquals(new byte[] {8, 9}, echoed.get(20, TimeUnit.SECONDS));
        }
    }

    /** Flash's setPeerInfo: no command object, address strings only (docs/interop.md); waits for its _result. */
    private static void setPeerInfo(Session toServer, String... addresses) throws Exception {
        NetConnection nc = new NetConnection(toServer);
        String app = toServer.info().uri().path();
        NetConnection.ConnectResult connected = nc.connect(app, toServer.info().uri().text(), ConnectStyle.LIBRTMFP, T);
        assertTrue(connected.success(), "connect: " + connected.reply());
        nc.send(new Command("setPeerInfo", 0.0, new ArrayList<>(List.of((Object[]) addresses))));
        Command reply = nc.awaitReply(0.0, T);
        assertTrue(reply.isResult(), "setPeerInfo answered " + reply);
    }

    /** The target's side of the transfer: receives one message and sends it back on a flow tied to it. */
    private static CompletableFuture<byte[]> echo(Session atB) {
        return CompletableFuture.supplyAsync(() -> {
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
    }

    /**
     * Sends the handshake's IHello to the server alone (again each second while unanswered) and
     * returns the payload of the Redirect chunk (0x71) the server sends back, as it came.
     */
    private static byte[] redirectPayload(UdpTransport t, Handshake h, InetSocketAddress to) throws IOException {
        long deadline = System.nanoTime() + T.toNanos();
        while (System.nanoTime() < deadline) {
            t.send(h.ihelloDatagram(), to);
            long until = Math.min(deadline, System.nanoTime() + RESEND.toNanos());
            for (UdpTransport.Datagram d; (d = t.receive(until, x -> x.from().equals(to) && x.sessionId() == 0)) != null; ) {
                try {
                    for (Chunk c : DatagramCodec.decode(d.bytes(), CryptoDirection.startup()).packet().chunks()) {
                        if (c.type() == ChunkType.REDIRECT) {
                            return c.payload();
                        }
                    }
                } catch (WireFormatException e) {
                    // not a startup packet: keep waiting
                }
            }
        }
        throw new AssertionError("no Redirect from " + to + " within " + T.toMillis() + " ms");
    }

    /** The payload of the Forwarded IHello (0x0f) carrying {@code tag} among the server session's packets. */
    private static byte[] forwardedIHelloPayload(Session toServer, byte[] tag) {
        for (Session.Received r : toServer.receivedPackets()) {
            for (Chunk c : r.packet().chunks()) {
                byte[] p = c.payload();
                if (c.type() == ChunkType.FORWARDED_IHELLO && p.length >= tag.length
                        && Arrays.equals(Arrays.copyOfRange(p, p.length - tag.length, p.length), tag)) {
                    return p;
                }
            }
        }
        throw new AssertionError("no Forwarded IHello with tag " + HexFormat.of().formatHex(tag));
    }

    /** RFC 7016 §2.1.5: flags byte, the address bytes, the port in network order. */
    private static byte[] address(int flags, byte[] ip, int port) {
        return concat(new byte[] {(byte) flags}, ip, new byte[] {(byte) (port >> 8), (byte) port});
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
