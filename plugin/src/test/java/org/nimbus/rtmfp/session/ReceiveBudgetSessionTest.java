package org.nimbus.rtmfp.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nimbus.conformance.crypto.ClientCertificate;
import org.nimbus.conformance.crypto.DhGroup;
import org.nimbus.conformance.crypto.DiffieHellman;
import org.nimbus.conformance.crypto.KeyingComponent;
import org.nimbus.conformance.crypto.NegotiationMode;
import org.nimbus.rtmfp.crypto.JcaCryptoProvider;
import org.nimbus.rtmfp.flow.AckChunk;
import org.nimbus.rtmfp.flow.CongestionControl;
import org.nimbus.rtmfp.flow.FlowChunk;
import org.nimbus.rtmfp.flow.Fragment;
import org.nimbus.rtmfp.flow.RecvFlow;
import org.nimbus.rtmfp.flow.SendFlow;
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
 * The receive budgets through the whole session layer, without sockets: sessions are opened by
 * real handshakes fed to the endpoint as datagrams, then packets sealed with each session's keys
 * carry user data; time is a number passed in. A hostile client cannot make a session hold more
 * than its budget, nor all sessions more than the endpoint's; a conforming sender still gets a
 * megabyte through a full budget; closes and timeouts give every byte back.
 */
class ReceiveBudgetSessionTest {
    private static final byte[] META = {0x54, 0x43, 0x04, 0x00};
    private static final int FLOW_BUFFER = 16 * 1024;
    private static final int SESSION_BUDGET = 32 * 1024;
    private static final int TOTAL_BUDGET = 48 * 1024;
    private static final SessionConfig CONFIG = new SessionConfig(10, 15_000, 60_000, FLOW_BUFFER, 64, SESSION_BUDGET,
            TOTAL_BUDGET);

    private final JcaCryptoProvider crypto = new JcaCryptoProvider();
    private final StartupPackets startup = new StartupPackets(crypto);
    private final SecureRandom random = new SecureRandom();
    private final RtmfpCounters counters = new RtmfpCounters();
    /** Datagrams the endpoint sent, and to whom. */
    private record Sent(InetSocketAddress to, byte[] datagram) {
    }

    private final List<Sent> replies = new ArrayList<>();
    private final DatagramOutput out = (to, d) -> replies.add(new Sent(to, d));

    /** A client of the in-memory endpoint: its server-side session and its address. */
    private record Client(Session session, InetSocketAddress address) {
    }

    private Client connect(RtmfpEndpoint endpoint, int n, long now) throws Exception {
        InetSocketAddress from = new InetSocketAddress("192.0.2." + n, 40_000 + n);
        replies.clear();
        endpoint.receive(from, startup.seal(0, new IHello(new byte[] {0x01, 0x0a}, crypto.randomBytes(16)).chunk(), now),
                out, now);
        byte[] r = replies.get(0).datagram();
        RHello rhello = RHello.decode(startup.open(r, 0, r.length).packet().chunks().get(0).payload());
        DiffieHellman dh = DiffieHellman.generate(DhGroup.GROUP_2, random);
        byte[] nonce = new byte[64];
        random.nextBytes(nonce);
        IIKeying keying = new IIKeying(n, rhello.cookie(), ClientCertificate.encode(List.of(dh)),
                KeyingComponent.initiator(DhGroup.GROUP_2, nonce, NegotiationMode.NOT_OFFERED, 10,
                        NegotiationMode.NOT_OFFERED), new byte[] {0x58});
        endpoint.receive(from, startup.seal(0, keying.chunk(), now), out, now);
        Session s = endpoint.sessionByPeerId(HexFormat.of().formatHex(crypto.sha256(keying.certificate())));
        assertNotNull(s, "session " + n + " opened");
        replies.clear();
        return new Client(s, from);
    }

    private void send(RtmfpEndpoint endpoint, Client c, long now, List<Chunk> chunks) {
        Packet p = new Packet(new PacketHeader(PacketHeader.MODE_INITIATOR | PacketHeader.TIMESTAMP,
                PacketHeader.timestampAt(now), 0), chunks);
        endpoint.receive(c.address, c.session.receiveFraming().seal(c.session.id(), DatagramFraming.NO_SEQUENCE_NUMBER, p),
                out, now);
    }

    private static Chunk data(long flowId, long seq, Fragment fragment, int size) {
        UserDataChunk u = new UserDataChunk(fragment, false, false, flowId, seq, seq,
                List.of(new Option(UserDataChunk.OPTION_METADATA, META)), new byte[size]);
        return new Chunk(Chunk.USER_DATA, u.encode());
    }

    private static boolean acknowledges(AckChunk ack, long seq) {
        return seq <= ack.cumulativeAck() || ack.ranges().stream().anyMatch(r -> r.from() <= seq && seq <= r.to());
    }

    private long drops() {
        return counters.get("drop.recv-flow-buffer") + counters.get("drop.recv-session-budget")
                + counters.get("drop.recv-endpoint-budget");
    }

    /** Out-of-order fragments (never sequence number 1) on {@code flows} flows. */
    private void flood(RtmfpEndpoint endpoint, Client c, int flows, long now) {
        for (long seq = 2; seq < 40; seq++) {
            for (long flowId = 1; flowId <= flows; flowId++) {
                long dropsBefore = drops();
                send(endpoint, c, now, List.of(data(flowId, seq, Fragment.MIDDLE, 1000)));
                assertTrue(c.session.receiveBufferedBytes() <= SESSION_BUDGET, "session holds "
                        + c.session.receiveBufferedBytes());
                assertTrue(endpoint.receiveBufferedBytes() <= TOTAL_BUDGET, "endpoint holds "
                        + endpoint.receiveBufferedBytes());
                boolean dropped = drops() > dropsBefore;
                assertEquals(!dropped, acknowledges(c.session.recvFlow(flowId).currentAck(), seq),
                        "acknowledged if and only if held");
            }
        }
    }

    @Test
    void outOfOrderFloodsStayWithinTheBudgetsAndCloseAndTimeoutGiveEverythingBack() throws Exception {
        RtmfpEndpoint endpoint = new RtmfpEndpoint(crypto, crypto.randomBytes(32), CONFIG, SessionListener.NONE, counters);
        long now = 1000;
        Client a = connect(endpoint, 1, now);
        Client b = connect(endpoint, 2, now);
        Client c = connect(endpoint, 3, now);
        for (Client x : List.of(a, b, c)) {
            flood(endpoint, x, 64, now);
        }
        assertTrue(a.session.receiveBufferedBytes() > SESSION_BUDGET - 2 * 1064, "the budget was used: "
                + a.session.receiveBufferedBytes());
        assertEquals(endpoint.receiveBufferedBytes(), a.session.receiveBufferedBytes() + b.session.receiveBufferedBytes()
                + c.session.receiveBufferedBytes(), "exact accounting");
        assertTrue(endpoint.receiveBufferedBytes() > TOTAL_BUDGET - 2 * 1064);
        assertTrue(counters.get("drop.recv-session-budget") > 0, counters.snapshot().toString());
        assertTrue(counters.get("drop.recv-endpoint-budget") > 0, counters.snapshot().toString());

        // a closes the session: everything it held comes back at once
        long bHeld = b.session.receiveBufferedBytes();
        long cHeld = c.session.receiveBufferedBytes();
        send(endpoint, a, now, List.of(new Chunk(Chunk.SESSION_CLOSE_REQUEST, new byte[0])));
        assertEquals(Session.State.CLOSED, a.session.state());
        assertEquals(0, a.session.receiveBufferedBytes());
        assertEquals(bHeld + cHeld, endpoint.receiveBufferedBytes());
        send(endpoint, a, now, List.of(data(1, 1, Fragment.BEGIN, 1000)));
        assertEquals(bHeld + cHeld, endpoint.receiveBufferedBytes(), "a closed session holds nothing more");

        // b keeps talking (a ping) and c falls silent: c times out, then b does
        now += 40_000;
        send(endpoint, b, now, List.of(new Chunk(Chunk.PING, new byte[0])));
        now += 20_000;
        endpoint.onTimer(now);
        assertEquals(Session.State.NEAR_CLOSE, c.session.state());
        assertEquals(1, counters.get("session.idle-timeout"));
        assertEquals(bHeld, endpoint.receiveBufferedBytes(), "the timed-out session's bytes came back");
        send(endpoint, c, now, List.of(data(1, 1, Fragment.BEGIN, 1000)));
        assertEquals(bHeld, endpoint.receiveBufferedBytes(), "a closing session holds nothing more");
        now += 40_000;
        endpoint.onTimer(now);
        assertEquals(2, counters.get("session.idle-timeout"));
        assertEquals(0, endpoint.receiveBufferedBytes());
        now += SessionConfig.CLOSED_LINGER_MILLIS;
        endpoint.onTimer(now);
        assertEquals(0, endpoint.sessionCount());
        assertEquals(0, endpoint.receiveBufferedBytes());
    }

    /**
     * A conforming sender (the server's own SendFlow, acknowledged by the server's acks) sends
     * 1.05 MB in messages larger than the room left, while its own junk fills its session's
     * budget and another session's junk fills the endpoint's: every message arrives whole.
     */
    @Test
    void aConformingMegabyteTransferCompletesWhileJunkFillsTheBudgets() throws Exception {
        List<byte[]> delivered = new ArrayList<>();
        SessionListener listener = new SessionListener() {
            @Override
            public void onMessage(Session session, RecvFlow flow, byte[] message) {
                if (flow.flowId() == 100) {
                    delivered.add(message);
                }
            }
        };
        // sessions never time out here: the junk stays for the whole transfer
        SessionConfig patient = new SessionConfig(10, 15_000, 3_600_000, FLOW_BUFFER, 64, SESSION_BUDGET, TOTAL_BUDGET);
        RtmfpEndpoint endpoint = new RtmfpEndpoint(crypto, crypto.randomBytes(32), patient, listener, counters);
        long now = 1000;
        Client sender = connect(endpoint, 1, now);
        Client other = connect(endpoint, 2, now);
        flood(endpoint, sender, 8, now);
        flood(endpoint, other, 8, now);
        assertTrue(sender.session.receiveBufferedBytes() > SESSION_BUDGET - 2 * 1064);
        assertTrue(endpoint.receiveBufferedBytes() > TOTAL_BUDGET - 2 * 1064);

        CongestionControl cc = new CongestionControl();
        SendFlow flow = new SendFlow(100, META, OptionalLong.empty(), cc);
        Random r = new Random(7016);
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            byte[] m = new byte[10_500];
            r.nextBytes(m);
            sent.add(m);
            flow.write(m, now);
        }
        long end = now + 600_000;
        while (delivered.size() < sent.size()) {
            now++;
            assertTrue(now < end, "not done: " + delivered.size() + " messages; counters " + counters.snapshot());
            cc.onTimer(now);
            for (int i = 0; i < 16; i++) {
                List<FlowChunk> chunks = flow.assemble(1200, now);
                if (chunks.isEmpty()) {
                    break;
                }
                send(endpoint, sender, now, chunks.stream().map(fc -> new Chunk(fc.type(), fc.payload())).toList());
            }
            endpoint.onTimer(now);
            List<Sent> datagrams = List.copyOf(replies);
            replies.clear();
            for (Sent d : datagrams) {
                if (!d.to().equals(sender.address())) {
                    continue;
                }
                for (Chunk ch : sender.session.sendFraming().open(d.datagram()).packet().chunks()) {
                    if (ch.type() == Chunk.ACK_RANGES || ch.type() == Chunk.ACK_BITMAP) {
                        AckChunk ack = AckChunk.decode(ch.type(), ch.payload());
                        if (ack.flowId() == 100) {
                            flow.onAck(ack, now);
                        }
                    }
                }
            }
            // the junk never leaves: the budgets stay full but for the one transfer's overdraft
            assertTrue(sender.session.receiveBufferedBytes() <= SESSION_BUDGET + 2L * FLOW_BUFFER);
            assertTrue(endpoint.receiveBufferedBytes() <= TOTAL_BUDGET + 2L * FLOW_BUFFER);
        }
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i), delivered.get(i), "message " + i);
        }
        endpoint.closeAll(now);
        assertEquals(0, endpoint.receiveBufferedBytes());
    }
}
