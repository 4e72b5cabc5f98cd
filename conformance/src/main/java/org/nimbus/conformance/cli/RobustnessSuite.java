package org.nimbus.conformance.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nimbus.conformance.client.ConnectOptions;
import org.nimbus.conformance.client.Handshake;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.client.UdpTransport;
import org.nimbus.conformance.crypto.ProfileOptions;
import org.nimbus.conformance.wire.ByteWriter;
import org.nimbus.conformance.wire.Chunk;
import org.nimbus.conformance.wire.ChunkType;
import org.nimbus.conformance.wire.CryptoDirection;
import org.nimbus.conformance.wire.DatagramCodec;
import org.nimbus.conformance.wire.IHello;
import org.nimbus.conformance.wire.IIKeying;
import org.nimbus.conformance.wire.Option;
import org.nimbus.conformance.wire.Packet;
import org.nimbus.conformance.wire.PacketMode;
import org.nimbus.conformance.wire.Ping;

/**
 * Malformed and hostile input (RFC 7016 §2, §3.5.1): each case sends it, checks that nothing the
 * RFC forbids comes back, then that the server still serves a good client (a full handshake and
 * a Ping) or, for input inside a session, that the session still answers.
 */
public final class RobustnessSuite implements Suite {
    /** How long the server is given to (wrongly) answer input it must drop. */
    static final Duration QUIET = Duration.ofMillis(800);
    private static final int FLOOD_PORTS = 200;
    private static final int FLOOD_PER_PORT = 5;

    @Override
    public String name() {
        return "robustness";
    }

    @Override
    public List<ConformanceCase> cases() {
        return List.of(
                new ConformanceCase("RB-01", "7016 §2.2.1", "truncated datagrams (0-40 bytes, not whole cipher blocks) dropped",
                        RobustnessSuite::truncatedDatagrams),
                new ConformanceCase("RB-02", "7016 §2.3.1", "startup packet whose chunk overruns the packet dropped",
                        t -> startupGarbage(t, new ByteWriter().u8(0x0b).u16(1).u8(ChunkType.IHELLO).u16(1000)
                                .bytes(new byte[20]).toByteArray())),
                new ConformanceCase("RB-03", "7016 §2.1.2", "IHello whose EPD length VLU never ends dropped",
                        t -> startupGarbage(t, new ByteWriter().u8(0x0b).u16(1).u8(ChunkType.IHELLO).u16(4)
                                .bytes(new byte[] {(byte) 0x80, (byte) 0xff, (byte) 0xff, (byte) 0x81}).toByteArray())),
                new ConformanceCase("RB-04", "7016 §2.2.4", "IHello in a packet of the forbidden mode 0 dropped",
                        RobustnessSuite::forbiddenMode),
                new ConformanceCase("RB-05", "7016 §2.2.1", "packets for unknown session IDs dropped",
                        RobustnessSuite::unknownSessionIds),
                new ConformanceCase("RB-06", "7016 §2.2", "oversized datagrams (2 KB, 8 KB, 60 KB) dropped",
                        RobustnessSuite::oversized),
                new ConformanceCase("RB-07", "7016 §3.5.1.2", "IIKeying with a cookie the server never issued: no RIKeying",
                        RobustnessSuite::forgedCookie),
                new ConformanceCase("RB-08", "7016 §2.2.4", "session packet in responder mode from the initiator ignored",
                        RobustnessSuite::wrongModeInSession),
                new ConformanceCase("RB-09", "7016 §2.3.1", "session packet with an overlong chunk and bad VLUs: session lives on",
                        RobustnessSuite::malformedChunksInSession),
                new ConformanceCase("RB-10", "7016 §2.3", "unknown chunk types in a session ignored; Ping beside them answered",
                        RobustnessSuite::unknownChunks),
                new ConformanceCase("RB-11", "7016 §3.5.1.1", "IHello flood from " + FLOOD_PORTS + " source ports, then a good client",
                        RobustnessSuite::ihelloFlood));
    }

    /** A full handshake, a Ping and a close from a fresh socket; throws if any step fails. */
    static String goodClient(Target t) throws Exception {
        try (RtmfpClient client = t.client()) {
            Session s = client.connect(t.uri(), t.options());
            Duration rtt = s.ping(t.timeout());
            s.close(t.timeout());
            return "then a good client connected and pinged in " + rtt.toMillis() + " ms";
        }
    }

    /** Sends every datagram from one fresh socket; returns what came back within {@link #QUIET}. */
    static List<UdpTransport.Datagram> sendAndListen(Target t, List<byte[]> datagrams) throws IOException {
        List<UdpTransport.Datagram> answers = new ArrayList<>();
        try (RtmfpClient junk = t.client()) {
            InetSocketAddress to = t.parsed().socketAddress();
            for (byte[] d : datagrams) {
                junk.sendRaw(d, to);
            }
            long deadline = System.nanoTime() + QUIET.toNanos();
            UdpTransport.Datagram d;
            while ((d = junk.transport().receive(deadline)) != null) {
                answers.add(d);
            }
        }
        return answers;
    }

    static Outcome droppedThenGood(Target t, List<byte[]> datagrams, String what) throws Exception {
        List<UdpTransport.Datagram> answers = sendAndListen(t, datagrams);
        if (!answers.isEmpty()) {
            return Outcome.fail(answers.size() + " answer(s) to " + what + ", first of " + answers.get(0).bytes().length + " bytes");
        }
        return Outcome.pass(datagrams.size() + " " + what + " unanswered; " + goodClient(t));
    }

    static byte[] startup(byte[] packet) {
        return DatagramCodec.encode(0, packet, CryptoDirection.startup(), 0);
    }

    static Outcome truncatedDatagrams(Target t) throws Exception {
        Random r = new Random(1);
        List<byte[]> ds = new ArrayList<>();
        for (int n = 0; n <= 40; n++) {
            byte[] b = new byte[n];
            r.nextBytes(b);
            if (n >= 12) {
                for (int k = 0; k < 4; k++) {
                    b[k] = (byte) (b[4 + k] ^ b[8 + k]); // scrambled session ID 0: the startup path
                }
            }
            ds.add(b);
        }
        byte[] good = startup(Packet.of(PacketMode.STARTUP, 1, -1, List.of(new Ping(false, new byte[8]).toChunk())).encode());
        ds.add(java.util.Arrays.copyOf(good, good.length - 5)); // a real startup datagram cut short
        return droppedThenGood(t, ds, "truncated datagrams");
    }

    static Outcome startupGarbage(Target t, byte[] packet) throws Exception {
        return droppedThenGood(t, List.of(startup(packet)), "malformed startup packet(s)");
    }

    static Outcome forbiddenMode(Target t) throws Exception {
        byte[] epd = Option.of(ProfileOptions.EPD_ANCILLARY_DATA, t.parsed().path().getBytes(StandardCharsets.UTF_8)).encode();
        byte[] tag = new byte[16];
        new Random(4).nextBytes(tag);
        byte[] p = Packet.of(PacketMode.FORBIDDEN, 1, -1, List.of(new IHello(epd, tag).toChunk())).encode();
        return droppedThenGood(t, List.of(startup(p)), "IHello(s) in mode 0");
    }

    static Outcome unknownSessionIds(Target t) throws Exception {
        Random r = new Random(2);
        List<byte[]> ds = new ArrayList<>();
        byte[] ping = Packet.of(PacketMode.INITIATOR, 1, -1, List.of(new Ping(false, new byte[] {1, 2, 3}).toChunk())).encode();
        for (int i = 0; i < 20; i++) {
            ds.add(DatagramCodec.encode(1 + r.nextInt(Integer.MAX_VALUE - 1), ping, CryptoDirection.startup(), 0));
        }
        try (RtmfpClient client = t.client()) {
            Session s = client.connect(t.uri(), t.options());
            // Correctly sealed with a live session's keys, but addressed to other session IDs.
            for (int delta : new int[] {1, -1, 0x100}) {
                client.sendRaw(s.sealRaw(s.responderSessionId() + delta, ping), s.peer());
            }
            s.idle(QUIET);
            boolean answered = s.receivedPackets().stream().flatMap(x -> x.packet().chunks().stream())
                    .anyMatch(c -> c.type() == ChunkType.PING_REPLY);
            s.close(t.timeout());
            if (answered) {
                return Outcome.fail("a Ping sealed with the session keys but sent to another session ID was answered");
            }
        }
        return droppedThenGood(t, ds, "packets to random session IDs (and 3 to neighbours of a live one)");
    }

    static Outcome oversized(Target t) throws Exception {
        Random r = new Random(3);
        List<byte[]> ds = new ArrayList<>();
        for (int n : new int[] {2048, 8192, 60_000}) {
            byte[] b = new byte[n];
            r.nextBytes(b);
            for (int k = 0; k < 4; k++) {
                b[k] = (byte) (b[4 + k] ^ b[8 + k]);
            }
            ds.add(b);
        }
        return droppedThenGood(t, ds, "oversized datagrams");
    }

    static Outcome forgedCookie(Target t) throws Exception {
        try (RtmfpClient c = t.client()) {
            Handshake hs = c.handshake(t.uri(), t.options());
            hs.awaitRHello();
            IIKeying real = hs.iikeying();
            byte[] forged = real.cookieEcho().clone();
            for (int i = 0; i < forged.length; i++) {
                forged[i] ^= (byte) 0x5a;
            }
            IIKeying bad = new IIKeying(real.initiatorSessionId(), forged, real.certificate(), real.skic(), real.signature());
            c.sendRaw(hs.startupDatagram(bad.toChunk()), t.parsed().socketAddress());
            long deadline = System.nanoTime() + QUIET.toNanos();
            UdpTransport.Datagram d;
            while ((d = c.transport().receive(deadline)) != null) {
                DatagramCodec.Decoded dec = DatagramCodec.decode(d.bytes(), CryptoDirection.startup());
                if (dec.packet().chunks().stream().anyMatch(ch -> ch.type() == ChunkType.RIKEYING)) {
                    return Outcome.fail("RIKeying sent for a cookie the server never issued");
                }
            }
        }
        return Outcome.pass("no RIKeying; " + goodClient(t));
    }

    /** Sends a Ping inside bad framing, then checks it went unanswered and a proper Ping is answered. */
    static Outcome inSession(Target t, ConnectOptions o, byte[] badPacket, boolean badPingMustBeIgnored, String what)
            throws Exception {
        try (RtmfpClient client = t.client()) {
            Session s = client.connect(t.uri(), o);
            s.sendRaw(s.sealRaw(s.responderSessionId(), badPacket));
            s.idle(QUIET);
            boolean answered = s.receivedPackets().stream().flatMap(x -> x.packet().chunks().stream())
                    .anyMatch(c -> c.type() == ChunkType.PING_REPLY);
            if (badPingMustBeIgnored && answered) {
                return Outcome.fail("the server answered a Ping in " + what);
            }
            Duration rtt = s.ping(t.timeout());
            s.close(t.timeout());
            return Outcome.pass(what + (badPingMustBeIgnored ? " ignored" : " survived")
                    + "; session still answers Ping in " + rtt.toMillis() + " ms");
        }
    }

    static Outcome wrongModeInSession(Target t) throws Exception {
        byte[] p = Packet.of(PacketMode.RESPONDER, 1, -1, List.of(new Ping(false, new byte[] {7, 7}).toChunk())).encode();
        return inSession(t, t.options(), p, true, "a responder-mode packet");
    }

    static Outcome malformedChunksInSession(Target t) throws Exception {
        byte[] p = new ByteWriter().u8(0x09).u16(1)
                .u8(ChunkType.USER_DATA).u16(4).bytes(new byte[] {0x00, (byte) 0x81, (byte) 0x80, (byte) 0x80}) // VLUs cut off
                .u8(ChunkType.RANGE_ACK).u16(2).bytes(new byte[] {(byte) 0xff, (byte) 0xff})                    // VLU cut off
                .u8(ChunkType.PING).u16(600).bytes(new byte[] {1, 2, 3})                                        // overruns
                .toByteArray();
        return inSession(t, t.options(), p, false, "a packet of malformed chunks");
    }

    static Outcome unknownChunks(Target t) throws Exception {
        List<Chunk> chunks = new ArrayList<>();
        for (int type : new int[] {0x02, 0x3f, 0x62, 0x9a, 0xc3, 0xfe}) {
            chunks.add(new Chunk(type, new byte[] {(byte) type, 1, 2}));
        }
        byte[] probe = {4, 4, 4, 4};
        chunks.add(new Ping(false, probe).toChunk());
        try (RtmfpClient client = t.client()) {
            Session s = client.connect(t.uri(), t.options());
            s.sendChunks(chunks);
            // §2.3: unknown chunks are ignored, so the Ping after them is processed as usual.
            s.await(() -> s.receivedPackets().stream().flatMap(x -> x.packet().chunks().stream())
                    .anyMatch(c -> c.type() == ChunkType.PING_REPLY && java.util.Arrays.equals(c.payload(), probe)),
                    t.timeout(), "the Ping Reply");
            s.close(t.timeout());
            return Outcome.pass("6 unknown chunk types skipped; Ping after them answered");
        }
    }

    static Outcome ihelloFlood(Target t) throws Exception {
        List<RtmfpClient> clients = new ArrayList<>();
        int answers = 0;
        long t0 = System.nanoTime();
        try {
            for (int i = 0; i < FLOOD_PORTS; i++) {
                RtmfpClient c = t.client();
                clients.add(c);
                Handshake hs = c.handshake(t.uri(), t.options());
                for (int k = 0; k < FLOOD_PER_PORT; k++) {
                    c.sendRaw(hs.ihelloDatagram(), t.parsed().socketAddress());
                }
            }
            String good = goodClient(t); // served while the flood's answers are still in flight
            long ms = (System.nanoTime() - t0) / 1_000_000L;
            for (RtmfpClient c : clients) {
                while (c.transport().receive(System.nanoTime()) != null) {
                    answers++;
                }
            }
            return Outcome.pass(FLOOD_PORTS * FLOOD_PER_PORT + " IHellos from " + FLOOD_PORTS + " ports in " + ms
                    + " ms, " + answers + " RHello(s) seen (answering is allowed); " + good);
        } finally {
            clients.forEach(RtmfpClient::close);
        }
    }
}
