package org.nimbus.conncheck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nimbus.conncheck.ConnChecks.Socket;
import org.nimbus.rtmfp.crypto.JcaCryptoProvider;
import org.nimbus.rtmfp.handshake.EndpointDiscriminator;
import org.nimbus.rtmfp.handshake.ForwardedIHello;
import org.nimbus.rtmfp.handshake.IHello;
import org.nimbus.rtmfp.handshake.PeerAddress;
import org.nimbus.rtmfp.handshake.RHello;
import org.nimbus.rtmfp.handshake.StartupPackets;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.DatagramFraming;

/** The probing state machine on in-memory datagrams and a hand-driven clock. */
class ConnChecksTest {
    private static final StartupPackets PACKETS = new StartupPackets(new JcaCryptoProvider());
    private static final InetSocketAddress PUBLIC = new InetSocketAddress("203.0.113.7", 40000);
    private static final InetSocketAddress INTRO = new InetSocketAddress("198.51.100.3", 19352);
    private static final byte[] PEER = new byte[32];

    static {
        Arrays.fill(PEER, (byte) 0x5a);
    }

    private record Probe(Socket from, InetSocketAddress to, IHello hello, long at) {
    }

    private final List<Probe> probes = new ArrayList<>();
    private final List<ForwardedIHello> forwarded = new ArrayList<>();
    private final Map<String, ConnChecks.Results> results = new HashMap<>();
    private long now = 1000;
    private int tagSeed;

    private ConnChecks<String> checks(Set<Socket> sockets, int max) {
        return new ConnChecks<>(PACKETS, sockets, sockets.contains(Socket.INTRODUCTION) ? INTRO : null,
                ConnChecks.Limits.defaults(max), () -> {
                    byte[] t = new byte[32];
                    Arrays.fill(t, (byte) ++tagSeed);
                    return t;
                }, new ConnChecks.Output<>() {
                    @Override
                    public void probe(Socket from, InetSocketAddress to, byte[] datagram) {
                        try {
                            DatagramFraming.Opened o = PACKETS.open(datagram, 0, datagram.length);
                            assertEquals(0, o.sessionId(), "probes are startup packets to session ID 0");
                            Chunk c = o.packet().chunks().get(0);
                            assertEquals(Chunk.IHELLO, c.type());
                            probes.add(new Probe(from, to, IHello.decode(c.payload()), now));
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    }

                    @Override
                    public void forward(String key, Chunk chunk) {
                        try {
                            forwarded.add(ForwardedIHello.decode(chunk.payload()));
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    }

                    @Override
                    public void done(String key, ConnChecks.Results r) {
                        assertNull(results.put(key, r), "one result per check");
                    }
                });
    }

    private static byte[] rhello(byte[] tag) {
        return PACKETS.seal(0, new RHello(tag, new byte[64], new byte[] {1, 2, 3}).chunk(), 5);
    }

    private void advance(ConnChecks<?> c, long until) {
        while (now < until) {
            now = Math.min(until, Math.max(now + 1, Math.min(c.nextDeadline(), until)));
            c.onTimer(now);
        }
    }

    @Test
    void aClientThatAnswersEveryProbeIsReportedOpenAndThenTheCheckEnds() {
        ConnChecks<String> c = checks(EnumSet.allOf(Socket.class), 10);
        assertTrue(c.start("s", PEER, PUBLIC, List.of(new InetSocketAddress("192.168.1.5", 40000)), now));
        advance(c, now + 100);
        // Staggered by 20 ms: other port, other address, then the FIHello in the session.
        assertEquals(List.of(Socket.OTHER_PORT, Socket.OTHER_ADDRESS), probes.stream().map(Probe::from).toList());
        assertEquals(1020, probes.get(0).at());
        assertEquals(1040, probes.get(1).at());
        for (Probe p : probes) {
            assertEquals(PUBLIC, p.to());
            assertArrayEquals(EndpointDiscriminator.forPeer(PEER), p.hello().epd(), "the probe names the client's own peer ID");
        }
        assertEquals(1, forwarded.size());
        ForwardedIHello f = forwarded.get(0);
        assertEquals(INTRO, f.replyAddress().socketAddress());
        assertEquals(PeerAddress.ORIGIN_LOCAL, f.replyAddress().origin());
        assertArrayEquals(probes.get(0).hello().tag(), f.tag(), "one tag for all of a check's probes");
        byte[] tag = f.tag();
        c.onDatagram(Socket.OTHER_PORT, PUBLIC, rhello(tag), now);
        c.onDatagram(Socket.OTHER_ADDRESS, PUBLIC, rhello(tag), now);
        assertTrue(results.isEmpty(), "not done before the introduction's RHello");
        c.onDatagram(Socket.INTRODUCTION, PUBLIC, rhello(tag), now);
        ConnChecks.Results r = results.get("s");
        assertEquals(new ConnChecks.Results("203.0.113.7:40000", false, true, true, true, true, true, true), r);
        assertEquals(0, c.active());
        assertEquals(Long.MAX_VALUE, c.nextDeadline());
    }

    @Test
    void unansweredProbesAreRetriedFiveTimesThenReportedBlocked() {
        ConnChecks<String> c = checks(EnumSet.allOf(Socket.class), 10);
        c.start("s", PEER, PUBLIC, List.of(PUBLIC), now);
        advance(c, 1000 + 60 + 5 * 500 - 1);
        assertTrue(results.isEmpty());
        assertEquals(5, probes.stream().filter(p -> p.from() == Socket.OTHER_PORT).count());
        assertEquals(5, probes.stream().filter(p -> p.from() == Socket.OTHER_ADDRESS).count());
        assertEquals(5, forwarded.size());
        assertEquals(List.of(1020L, 1520L, 2020L, 2520L, 3020L),
                probes.stream().filter(p -> p.from() == Socket.OTHER_PORT).map(Probe::at).toList());
        advance(c, 1000 + 60 + 5 * 500);
        assertEquals(new ConnChecks.Results("203.0.113.7:40000", true, true, false, false, false, false, false), results.get("s"));
        assertEquals(0, c.active());
    }

    @Test
    void aSymmetricNatAnswersTheIntroductionFromAnotherPortAndTheOpenOnesStopBeingProbed() {
        ConnChecks<String> c = checks(EnumSet.allOf(Socket.class), 10);
        c.start("s", PEER, PUBLIC, List.of(new InetSocketAddress("192.168.1.5", 5555)), now);
        advance(c, 1070);
        byte[] tag = forwarded.get(0).tag();
        c.onDatagram(Socket.INTRODUCTION, new InetSocketAddress("203.0.113.7", 61000), rhello(tag), now);
        int before = probes.size();
        advance(c, 1000 + 60 + 5 * 500);
        assertEquals(1, forwarded.size(), "an answered FIHello is not sent again");
        assertEquals(before + 8, probes.size(), "the other probes go on to their five tries");
        assertEquals(new ConnChecks.Results("203.0.113.7:40000", false, false, false, false, true, false, false), results.get("s"));
    }

    @Test
    void withoutSetPeerInfoAddressesOrExtraAddressesThoseFieldsAreNull() {
        ConnChecks<String> c = checks(EnumSet.of(Socket.OTHER_PORT), 10);
        c.start("s", PEER, PUBLIC, List.of(), now);
        advance(c, 1050);
        c.onDatagram(Socket.OTHER_PORT, PUBLIC, rhello(probes.get(0).hello().tag()), now);
        assertTrue(forwarded.isEmpty());
        assertEquals(new ConnChecks.Results("203.0.113.7:40000", null, null, true, null, null, null, null), results.get("s"));
    }

    @Test
    void onlyALiveChecksRHelloCountsAndTheStateIsBounded() {
        ConnChecks<String> c = checks(EnumSet.allOf(Socket.class), 2);
        assertTrue(c.start("a", PEER, PUBLIC, List.of(), now));
        assertFalse(c.start("a", PEER, PUBLIC, List.of(), now), "one check per session");
        assertTrue(c.start("b", PEER, PUBLIC, List.of(), now));
        assertFalse(c.start("c", PEER, PUBLIC, List.of(), now), "max_checks");
        advance(c, 1030);
        byte[] tagA = probes.get(0).hello().tag();
        // Garbage, an RHello with an unknown tag, an IHello echoing the tag, a session packet: ignored.
        c.onDatagram(Socket.OTHER_PORT, PUBLIC, new byte[] {1, 2, 3}, now);
        c.onDatagram(Socket.OTHER_PORT, PUBLIC, rhello(new byte[32]), now);
        c.onDatagram(Socket.OTHER_PORT, PUBLIC, PACKETS.seal(0, new IHello(new byte[] {0x21}, tagA).chunk(), now), now);
        c.onDatagram(Socket.OTHER_PORT, PUBLIC, PACKETS.seal(77, new RHello(tagA, new byte[64], new byte[0]).chunk(), now), now);
        assertEquals(4, c.ignored());
        c.cancel("a");
        c.onDatagram(Socket.OTHER_PORT, PUBLIC, rhello(tagA), now);
        assertEquals(5, c.ignored(), "a cancelled check's tag is forgotten");
        assertEquals(1, c.active());
        assertTrue(c.start("c", PEER, PUBLIC, List.of(), now), "room again");
        advance(c, now + 3000);
        assertEquals(Set.of("b", "c"), results.keySet());
        assertEquals(0, c.active());
    }
}
