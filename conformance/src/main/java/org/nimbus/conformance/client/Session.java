package org.nimbus.conformance.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.nimbus.conformance.crypto.DhGroup;
import org.nimbus.conformance.crypto.Identity;
import org.nimbus.conformance.crypto.Negotiated;
import org.nimbus.conformance.crypto.SessionKeys;
import org.nimbus.conformance.wire.Ack;
import org.nimbus.conformance.wire.BufferProbe;
import org.nimbus.conformance.wire.Chunk;
import org.nimbus.conformance.wire.ChunkType;
import org.nimbus.conformance.wire.CryptoDirection;
import org.nimbus.conformance.wire.DatagramCodec;
import org.nimbus.conformance.wire.FlowException;
import org.nimbus.conformance.wire.Packet;
import org.nimbus.conformance.wire.PacketMode;
import org.nimbus.conformance.wire.Ping;
import org.nimbus.conformance.wire.SessionClose;
import org.nimbus.conformance.wire.UserData;
import org.nimbus.conformance.wire.WireFormatException;

/**
 * An established session, initiator side (RFC 7016 §3.5-§3.6). Single-threaded: every blocking
 * call pumps the socket itself, answering pings, acknowledging data, retransmitting unacknowledged
 * fragments and reacting to close, so a test case sees a deterministic sequence.
 */
public final class Session implements AutoCloseable {
    /** What the handshake established, for reports and assertions. */
    public record Info(RtmfpUri uri, byte[] serverCertificate, byte[] clientCertificate, SessionKeys keys,
                       Negotiated hmac, Negotiated ssn, DhGroup group, int redirects, int cookieChanges,
                       int handshakeRetransmissions) {
        public byte[] peerId() {
            return Identity.peerId(clientCertificate);
        }

        public byte[] serverFingerprint() {
            return Identity.fingerprint(serverCertificate);
        }
    }

    /** A received, decrypted packet, kept so cases can inspect what the server really sent. */
    public record Received(long nanos, Packet packet, long ssn) {
    }

    public enum State { OPEN, CLOSING, CLOSED_BY_US, CLOSED_BY_PEER }

    /** Fragment payload limit: keeps packets under a 1200-byte path MTU with all headers. */
    public static final int FRAGMENT_SIZE = 1024;
    private static final int MAX_PACKET = 1160;
    private static final long RTO_NANOS = 1_000_000_000L;
    private static final long BUFFER_BLOCKS = 64;
    /** The receive buffer each flow's acknowledgements advertise, in 1024-byte blocks (§2.3.13). */
    private long bufferBlocks = BUFFER_BLOCKS;

    private final UdpTransport transport;
    private final InetSocketAddress peer;
    private final int responderSessionId;
    private final int initiatorSessionId;
    private final CryptoDirection send;
    private final CryptoDirection recv;
    private final Info info;
    /** INITIATOR for sessions this client started; RESPONDER for peer sessions it accepted. */
    private final PacketMode mode;
    private final long startNanos = System.nanoTime();

    private long txSsn;
    private final Set<Long> rxSsns = new HashSet<>();
    private int lastPeerTimestamp = -1;
    private long lastPeerTimestampNanos;
    private long nextFlowId = 1;
    private final Map<Long, SendFlow> sendFlows = new LinkedHashMap<>();
    private final Map<Long, RecvFlow> recvFlows = new LinkedHashMap<>();
    private final Deque<ReceivedMessage> inbox = new ArrayDeque<>();
    private final List<byte[]> pingReplies = new ArrayList<>();
    private final List<Received> log = new ArrayList<>();
    private final List<FlowException> flowExceptions = new ArrayList<>();
    private int dropped;
    private State state = State.OPEN;

    Session(UdpTransport transport, InetSocketAddress peer, int responderSessionId, int initiatorSessionId,
            CryptoDirection send, CryptoDirection recv, Info info) {
        this(transport, peer, responderSessionId, initiatorSessionId, send, recv, info, PacketMode.INITIATOR);
    }

    /**
     * In RESPONDER mode (a peer-to-peer session this client accepted, RFC 7016 §3.5.1.2) the
     * roles of the two IDs swap: packets go to the peer's {@code responderSessionId} argument
     * (its initiator session ID) and arrive on {@code initiatorSessionId} (the one we chose).
     */
    Session(UdpTransport transport, InetSocketAddress peer, int responderSessionId, int initiatorSessionId,
            CryptoDirection send, CryptoDirection recv, Info info, PacketMode mode) {
        this.mode = mode;
        transport.claim(initiatorSessionId);
        this.transport = transport;
        this.peer = peer;
        this.responderSessionId = responderSessionId;
        this.initiatorSessionId = initiatorSessionId;
        this.send = send;
        this.recv = recv;
        this.info = info;
    }

    public Info info() {
        return info;
    }

    public State state() {
        return state;
    }

    public InetSocketAddress peer() {
        return peer;
    }

    public int responderSessionId() {
        return responderSessionId;
    }

    public int initiatorSessionId() {
        return initiatorSessionId;
    }

    /** Every packet received so far in this session, in order. */
    public List<Received> receivedPackets() {
        return Collections.unmodifiableList(log);
    }

    /** Datagrams that failed decryption, checksum, HMAC or SSN replay checks and were ignored. */
    public int droppedDatagrams() {
        return dropped;
    }

    /**
     * Sets the receive buffer the acknowledgements advertise (RFC 7016 §2.3.13, 1024-byte
     * blocks; 64 by default): a sender may keep that much unacknowledged per flow, so a player
     * of a stream of B bytes/s behind a round trip R needs more than B·R.
     */
    public void receiveBufferBlocks(long blocks) {
        if (blocks < 0) {
            throw new IllegalArgumentException("buffer blocks " + blocks);
        }
        bufferBlocks = blocks;
    }

    public List<FlowException> flowExceptions() {
        return List.copyOf(flowExceptions);
    }

    // ---------------------------------------------------------------- sending

    private int timestamp() {
        return (int) (((System.nanoTime() - startNanos) / 4_000_000L) & 0xffff);
    }

    /** §2.2.4: echo the peer's last timestamp, advanced by the time it has been held. */
    private int timestampEcho() {
        if (lastPeerTimestamp < 0) {
            return -1;
        }
        long heldTicks = (System.nanoTime() - lastPeerTimestampNanos) / 4_000_000L;
        if (heldTicks > 32_000) {
            return -1; // too old to be useful (about 128 s)
        }
        return (int) ((lastPeerTimestamp + heldTicks) & 0xffff);
    }

    /** Encodes an initiator-mode packet with the session keys. */
    public byte[] encode(List<Chunk> chunks) {
        Packet p = Packet.of(mode, timestamp(), timestampEcho(), chunks);
        return DatagramCodec.encode(responderSessionId, p.encode(), send, txSsn++);
    }

    /**
     * Raw hook: seals header-and-chunk bytes exactly as given (however malformed) with this
     * session's keys, framing and next sequence number, addressed to any session id.
     */
    public byte[] sealRaw(int sessionId, byte[] packet) {
        return DatagramCodec.encode(sessionId, packet, send, txSsn++);
    }

    /** Raw hook: sends chunks in one packet exactly as given. */
    public void sendChunks(List<Chunk> chunks) throws IOException {
        transport.send(encode(chunks), peer);
    }

    /** Raw hook: sends arbitrary bytes to the server's address. */
    public void sendRaw(byte[] datagram) throws IOException {
        transport.send(datagram, peer);
    }

    /**
     * Raw hook: sends a packet whose integrity check is wrong (checksum, or HMAC when negotiated),
     * which the receiver must silently drop (RFC 7425 §4.4).
     */
    public void sendCorrupted(List<Chunk> chunks) throws IOException {
        byte[] d;
        if (send.hmac()) {
            d = encode(chunks);
            d[d.length - 1] ^= 0x01;
        } else {
            d = DatagramCodec.withBadChecksum(encode(chunks), send);
        }
        transport.send(d, peer);
    }

    private void sendPacked(List<Chunk> chunks) throws IOException {
        List<Chunk> batch = new ArrayList<>();
        int size = 0;
        for (Chunk c : chunks) {
            if (!batch.isEmpty() && size + c.encodedLength() > MAX_PACKET) {
                sendChunks(batch);
                batch = new ArrayList<>();
                size = 0;
            }
            batch.add(c);
            size += c.encodedLength();
        }
        if (!batch.isEmpty()) {
            sendChunks(batch);
        }
    }

    /** Opens a flow to the server with the given metadata (§3.6.2); {@code returnFlowId} -1 for none. */
    public SendFlow openFlow(byte[] metadata, long returnFlowId) {
        SendFlow f = new SendFlow(nextFlowId++, metadata, returnFlowId, FRAGMENT_SIZE);
        sendFlows.put(f.flowId(), f);
        return f;
    }

    /** Sends one message on a flow, fragmenting as needed. */
    public void send(SendFlow flow, byte[] message) throws IOException {
        transmit(flow, flow.enqueue(message, false));
    }

    /** Ends a flow: an empty final fragment (§3.6.2.3). */
    public void finish(SendFlow flow) throws IOException {
        transmit(flow, flow.enqueue(new byte[0], true));
    }

    private void transmit(SendFlow flow, List<SendFlow.Fragment> fragments) throws IOException {
        List<Chunk> chunks = new ArrayList<>();
        long now = System.nanoTime();
        for (SendFlow.Fragment f : fragments) {
            chunks.add(flow.toUserData(f).toChunk());
            f.lastSentNanos = now;
            f.transmissions++;
        }
        sendPacked(chunks);
    }

    /** Pumps until every fragment of the flow is acknowledged. */
    public void awaitAcknowledged(SendFlow flow, Duration timeout) throws IOException, RtmfpException {
        pumpUntil(() -> flow.allAcknowledged() || flow.exceptionCode() >= 0, timeout, "acknowledgement of flow " + flow.flowId());
    }

    // ---------------------------------------------------------------- receiving

    /** Next complete message from any server flow. */
    public ReceivedMessage receive(Duration timeout) throws IOException, RtmfpException {
        return receive(m -> true, timeout);
    }

    /** Next complete message that matches; others stay queued. */
    public ReceivedMessage receive(Predicate<ReceivedMessage> filter, Duration timeout) throws IOException, RtmfpException {
        ReceivedMessage[] found = new ReceivedMessage[1];
        pumpUntil(() -> {
            for (ReceivedMessage m : inbox) {
                if (filter.test(m)) {
                    inbox.remove(m);
                    found[0] = m;
                    return true;
                }
            }
            return false;
        }, timeout, "a message");
        return found[0];
    }

    /** Takes every message received and not yet taken (for a receive loop that pumps with {@link #deliver}). */
    public List<ReceivedMessage> takeAll() {
        List<ReceivedMessage> all = new ArrayList<>(inbox);
        inbox.clear();
        return all;
    }

    /** Messages received but not yet taken. */
    public List<ReceivedMessage> pending() {
        return List.copyOf(inbox);
    }

    /** §2.3.9: sends a Ping and waits for the matching Ping Reply; returns the round-trip time. */
    public Duration ping(byte[] message, Duration timeout) throws IOException, RtmfpException {
        long t0 = System.nanoTime();
        sendChunks(List.of(new Ping(false, message).toChunk()));
        pumpUntil(() -> pingReplies.stream().anyMatch(r -> Arrays.equals(r, message)), timeout, "Ping Reply");
        pingReplies.removeIf(r -> Arrays.equals(r, message));
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** Sends a Ping without waiting: a receive loop elsewhere feeds {@link #deliver}, then asks {@link #takePingReply}. */
    public void sendPing(byte[] message) throws IOException {
        sendChunks(List.of(new Ping(false, message).toChunk()));
    }

    /** True, and forgotten, when a Ping Reply echoing {@code message} has been delivered. */
    public boolean takePingReply(byte[] message) {
        return pingReplies.removeIf(r -> Arrays.equals(r, message));
    }

    /**
     * Forgets the packets received so far ({@link #receivedPackets()}) and the ping replies no
     * one asked for: a session held for minutes by a load generator keeps nothing it will not read.
     */
    public void forgetReceived() {
        log.clear();
        pingReplies.clear();
        inbox.clear();
    }

    public Duration ping(Duration timeout) throws IOException, RtmfpException {
        byte[] m = new byte[8];
        new java.security.SecureRandom().nextBytes(m);
        return ping(m, timeout);
    }

    /** §3.5.5: Session Close Request, repeated until the Close Acknowledgement; true if it came. */
    public boolean close(Duration timeout) throws IOException {
        if (state != State.OPEN) {
            return state == State.CLOSED_BY_US;
        }
        state = State.CLOSING;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && state == State.CLOSING) {
            sendChunks(List.of(SessionClose.request()));
            long until = Math.min(deadline, System.nanoTime() + RTO_NANOS);
            while (System.nanoTime() < until && state == State.CLOSING) {
                pumpOnce(until);
            }
        }
        if (state == State.CLOSING) {
            state = State.CLOSED_BY_US;
            return false;
        }
        return true;
    }

    /** Pumps for a while, handling whatever arrives (e.g. to observe that nothing does). */
    public void idle(Duration d) throws IOException {
        long deadline = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < deadline) {
            pumpOnce(deadline);
        }
    }

    /** Pumps until the server closes the session (0x0c or unsolicited 0x4c). */
    public void awaitClosedByPeer(Duration timeout) throws IOException, RtmfpException {
        pumpUntil(() -> state == State.CLOSED_BY_PEER, timeout, "session close by the server");
    }

    private interface Condition {
        boolean met();
    }

    /**
     * Raw hook: pumps (answering pings, acknowledging, retransmitting) until the condition holds,
     * e.g. until {@link #receivedPackets()} shows a chunk a case waits for.
     */
    public void await(java.util.function.BooleanSupplier condition, Duration timeout, String what)
            throws IOException, RtmfpException {
        pumpUntil(condition::getAsBoolean, timeout, what);
    }

    private void pumpUntil(Condition c, Duration timeout, String what) throws IOException, RtmfpException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!c.met()) {
            if (System.nanoTime() >= deadline) {
                throw new RtmfpException("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            if (state == State.CLOSED_BY_PEER) {
                throw new RtmfpException("session closed by the server while waiting for " + what);
            }
            pumpOnce(Math.min(deadline, System.nanoTime() + RTO_NANOS / 4));
        }
    }

    /** Receives and handles at most one datagram, and retransmits what is due. */
    private void pumpOnce(long deadlineNanos) throws IOException {
        retransmitDue();
        // Datagrams for other receivers on a shared socket (startup, peer sessions) stay for them.
        UdpTransport.Datagram d = transport.receive(deadlineNanos, x -> !transport.claimedElsewhere(x, initiatorSessionId));
        if (d != null) {
            deliver(d);
        }
    }

    /**
     * Handles one datagram received for this session by someone else's receive loop (one thread
     * serving several conversations on a socket): decrypts it, answers pings, acknowledges data,
     * reacts to close. Datagrams that fail the checks are counted as dropped.
     */
    public void deliver(UdpTransport.Datagram d) throws IOException {
        Packet p;
        long ssn;
        try {
            DatagramCodec.Decoded dec = DatagramCodec.decode(d.bytes(), recv);
            if (dec.sessionId() != initiatorSessionId || (recv.ssn() && !rxSsns.add(dec.ssn()))) {
                dropped++;
                return;
            }
            ssn = dec.ssn();
            p = dec.packet();
        } catch (WireFormatException e) {
            dropped++;
            return;
        }
        log.add(new Received(System.nanoTime(), p, ssn));
        if (p.timestamp() >= 0) {
            lastPeerTimestamp = p.timestamp();
            lastPeerTimestampNanos = System.nanoTime();
        }
        handle(p);
    }

    private void handle(Packet p) throws IOException {
        List<Chunk> replies = new ArrayList<>();
        Set<Long> touched = new java.util.LinkedHashSet<>();
        UserData previous = null;
        for (Chunk c : p.chunks()) {
            try {
                switch (c.type()) {
                    case ChunkType.PING -> replies.add(new Ping(true, c.payload()).toChunk());
                    case ChunkType.PING_REPLY -> pingReplies.add(c.payload());
                    case ChunkType.USER_DATA, ChunkType.NEXT_USER_DATA -> {
                        UserData u = UserData.decode(c, previous);
                        previous = u;
                        recvFlows.computeIfAbsent(u.flowId(), RecvFlow::new).accept(u);
                        touched.add(u.flowId());
                    }
                    case ChunkType.BITMAP_ACK, ChunkType.RANGE_ACK -> {
                        Ack a = Ack.decode(c);
                        SendFlow f = sendFlows.get(a.flowId());
                        if (f != null) {
                            f.onAck(a);
                        }
                    }
                    case ChunkType.BUFFER_PROBE -> touched.add(BufferProbe.decode(c).flowId());
                    case ChunkType.FLOW_EXCEPTION -> {
                        FlowException fe = FlowException.decode(c);
                        flowExceptions.add(fe);
                        SendFlow f = sendFlows.get(fe.flowId());
                        if (f != null) {
                            f.onException(fe.code());
                        }
                    }
                    case ChunkType.SESSION_CLOSE -> {
                        replies.add(SessionClose.ack());
                        state = state == State.CLOSING ? State.CLOSED_BY_US : State.CLOSED_BY_PEER;
                    }
                    case ChunkType.SESSION_CLOSE_ACK ->
                        state = state == State.CLOSING ? State.CLOSED_BY_US : State.CLOSED_BY_PEER;
                    default -> {
                        // §2.3: unknown chunk types are ignored.
                    }
                }
            } catch (WireFormatException e) {
                dropped++;
            }
        }
        for (long flowId : touched) {
            RecvFlow rf = recvFlows.get(flowId);
            if (rf != null) {
                inbox.addAll(rf.drain());
                replies.add(rf.ack(bufferBlocks).toChunk());
            }
        }
        if (!replies.isEmpty()) {
            sendPacked(replies);
        }
    }

    private void retransmitDue() throws IOException {
        if (state == State.CLOSED_BY_PEER || state == State.CLOSED_BY_US) {
            return;
        }
        long now = System.nanoTime();
        for (SendFlow f : sendFlows.values()) {
            List<SendFlow.Fragment> due = f.dueForRetransmission(now, RTO_NANOS);
            if (!due.isEmpty()) {
                transmit(f, due);
            }
        }
    }

    /** Rejects a server flow with a Flow Exception Report (§2.3.16). */
    public void rejectFlow(long flowId, long code) throws IOException {
        sendChunks(List.of(new FlowException(flowId, code).toChunk()));
    }

    @Override
    public void close() throws IOException {
        close(Duration.ofSeconds(2));
    }
}
