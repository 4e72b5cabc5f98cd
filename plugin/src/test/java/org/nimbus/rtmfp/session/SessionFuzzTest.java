package org.nimbus.rtmfp.session;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nimbus.conformance.crypto.ClientCertificate;
import org.nimbus.conformance.crypto.DhGroup;
import org.nimbus.conformance.crypto.DiffieHellman;
import org.nimbus.conformance.crypto.KeyingComponent;
import org.nimbus.conformance.crypto.NegotiationMode;
import org.nimbus.fuzz.Fuzz;
import org.nimbus.fuzz.Guard;
import org.nimbus.fuzz.Mutations;
import org.nimbus.rtmfp.crypto.JcaCryptoProvider;
import org.nimbus.rtmfp.flow.AckChunk;
import org.nimbus.rtmfp.flow.Fragment;
import org.nimbus.rtmfp.flow.UserDataChunk;
import org.nimbus.rtmfp.handshake.IHello;
import org.nimbus.rtmfp.handshake.IIKeying;
import org.nimbus.rtmfp.handshake.RHello;
import org.nimbus.rtmfp.handshake.StartupPackets;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.DatagramFraming;
import org.nimbus.rtmfp.packet.Option;
import org.nimbus.rtmfp.packet.Packet;
import org.nimbus.rtmfp.packet.PacketHeader;

/**
 * The session's receive path (RFC 7016 §3.6): mutated packets sealed with an open session's keys,
 * so they pass decryption and reach the chunk dispatch, the flows and the acknowledgements; and
 * mutated datagrams from new addresses through the startup path (§3.5). RtmfpEndpoint.receive
 * must throw nothing; a session that the input closed is opened again for the next one.
 */
class SessionFuzzTest {
    private static final byte[] META = {0x54, 0x43, 0x04, 0x00};
    private static final SessionConfig CONFIG = new SessionConfig(10_000, 15_000, 60_000, 16 * 1024, 64, 32 * 1024, 48 * 1024);

    private final JcaCryptoProvider crypto = new JcaCryptoProvider();
    private final StartupPackets startup = new StartupPackets(crypto);
    private final SecureRandom random = new SecureRandom();
    private final List<byte[]> replies = new ArrayList<>();
    private final DatagramOutput out = (to, d) -> replies.add(d);
    private final RtmfpEndpoint endpoint = new RtmfpEndpoint(crypto, crypto.randomBytes(32), CONFIG, SessionListener.NONE,
            new RtmfpCounters());
    private Session session;
    private InetSocketAddress address;
    private String peerId;
    private int clients;
    private long now = 1000;

    /** A real handshake from a new address (the kit's DH and certificate), as ReceiveBudgetSessionTest opens one. */
    private void connect() throws Exception {
        int n = ++clients;
        address = new InetSocketAddress("192.0.2." + (1 + n % 250), 10_000 + n % 50_000);
        replies.clear();
        endpoint.receive(address, startup.seal(0, new IHello(new byte[] {0x01, 0x0a}, crypto.randomBytes(16)).chunk(), now),
                out, now);
        byte[] r = replies.get(0);
        RHello rhello = RHello.decode(startup.open(r, 0, r.length).packet().chunks().get(0).payload());
        DiffieHellman dh = DiffieHellman.generate(DhGroup.GROUP_2, random);
        byte[] nonce = new byte[64];
        random.nextBytes(nonce);
        IIKeying keying = new IIKeying(n, rhello.cookie(), ClientCertificate.encode(List.of(dh)),
                KeyingComponent.initiator(DhGroup.GROUP_2, nonce, NegotiationMode.NOT_OFFERED, 10,
                        NegotiationMode.NOT_OFFERED), new byte[] {0x58});
        endpoint.receive(address, startup.seal(0, keying.chunk(), now), out, now);
        peerId = HexFormat.of().formatHex(crypto.sha256(keying.certificate()));
        session = endpoint.sessionByPeerId(peerId);
        if (session == null) {
            throw new IllegalStateException("the session did not open");
        }
    }

    private static byte[] packet(List<Chunk> chunks) {
        return new Packet(new PacketHeader(PacketHeader.MODE_INITIATOR | PacketHeader.TIMESTAMP, 1234, 0), chunks).encode();
    }

    private static Chunk data(long flowId, long seq, Fragment fragment, int size) {
        UserDataChunk u = new UserDataChunk(fragment, false, false, flowId, seq, seq - 1,
                List.of(new Option(UserDataChunk.OPTION_METADATA, META)), new byte[size]);
        return new Chunk(Chunk.USER_DATA, u.encode());
    }

    /** Session packets: user data (whole, fragments, several flows), acks, pings, closes, as chunks. */
    static List<byte[]> packets() {
        List<byte[]> out = new ArrayList<>();
        out.add(packet(List.of(data(1, 1, Fragment.WHOLE, 20))));
        out.add(packet(List.of(data(1, 1, Fragment.BEGIN, 300), data(1, 2, Fragment.MIDDLE, 300), data(1, 3, Fragment.END, 10))));
        out.add(packet(List.of(data(2, 5, Fragment.WHOLE, 8), data(3, 1, Fragment.WHOLE, 8))));
        out.add(packet(List.of(new Chunk(0x01, new byte[] {1, 2, 3}), new Chunk(0x41, new byte[0]))));
        out.add(packet(List.of(new Chunk(Chunk.ACK_RANGES, new byte[] {1, 0x7f, 0}), new Chunk(0x18, new byte[] {1}))));
        out.add(packet(List.of(new Chunk(0x5e, new byte[] {1, 0}))));
        return out;
    }

    private static List<byte[]> sessionPackets() {
        List<byte[]> seeds = new ArrayList<>(packets());
        seeds.addAll(org.nimbus.fuzz.Seeds.fromVectors("decrypted_hex", "plaintextHex"));
        return seeds;
    }

    @Test
    void sealedPacketsOfAnyContentAreHandled() {
        Fuzz.bytes("session packets", sessionPackets(), (p, r) -> sealedPacket(p));
    }

    @Test
    void datagramsFromAnywhereAreHandled() {
        Fuzz.bytes("startup datagrams", org.nimbus.fuzz.Seeds.fromVectors("datagram_hex"), (d, r) -> datagramFromAnywhere(d));
    }

    private void sealedPacket(byte[] p) throws Exception {
        if (session == null || endpoint.sessionByPeerId(peerId) == null) {
            connect();
        }
        now += 7;
        replies.clear();
        byte[] d = session.receiveFraming().seal(session.id(), DatagramFraming.NO_SEQUENCE_NUMBER, p);
        Guard.check(p, () -> {
            endpoint.receive(address, d, out, now);
            endpoint.service(session, now);
            if (endpoint.nextDeadline() <= now) {
                endpoint.onTimer(now);
            }
        });
        if (session.receiveBufferedBytes() > CONFIG.sessionRecvBuffer()) {
            throw new AssertionError("session holds " + session.receiveBufferedBytes());
        }
    }

    private void datagramFromAnywhere(byte[] d) {
        now += 3;
        InetSocketAddress from = new InetSocketAddress("198.51.100." + (1 + (int) (now % 250)), 20_000 + (int) (now % 40_000));
        replies.clear();
        Guard.check(d, () -> endpoint.receive(from, d, out, now));
    }
}
