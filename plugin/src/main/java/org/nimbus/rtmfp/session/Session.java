package org.nimbus.rtmfp.session;

import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.OptionalLong;
import org.nimbus.rtmfp.flow.AckChunk;
import org.nimbus.rtmfp.flow.BufferProbeChunk;
import org.nimbus.rtmfp.flow.CongestionControl;
import org.nimbus.rtmfp.flow.FlowExceptionChunk;
import org.nimbus.rtmfp.flow.ReceiveBudget;
import org.nimbus.rtmfp.flow.RecvFlow;
import org.nimbus.rtmfp.flow.SendFlow;
import org.nimbus.rtmfp.flow.UserDataChunk;
import org.nimbus.rtmfp.flow.WriteReceipt;
import org.nimbus.rtmfp.handshake.Responder;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.DatagramFraming;
import org.nimbus.rtmfp.packet.MalformedException;
import org.nimbus.rtmfp.packet.PacketHeader;

/**
 * One established RTMFP session on the responder side (RFC 7016 §3.5): its keys and address,
 * timestamps and echo (§3.5.2), ping/keepalive and idle timeout (§3.5.5), the close handshake
 * (§3.5.5.2), address mobility (§3.5.4), and the flows it multiplexes (§3.6, kept in its
 * {@link FlowTable}). Packets from the peer come in through {@link #onPacket}; {@link #flush}
 * turns what is owed into datagrams ({@link PacketAssembler}). Not thread-safe: the endpoint's
 * single driving thread owns it.
 */
public final class Session {
    public enum State { OPEN, NEAR_CLOSE, CLOSED }

    /** Flow exception code for flows the layer above or a limit refuses. */
    public static final long REJECTED_FLOW = 1;
    /** Completed receive flows are remembered this long to acknowledge late retransmissions. */
    static final long COMPLETED_FLOW_LINGER_MILLIS = 120_000;

    private final int id;
    private final int peerSessionId;
    private final byte[] peerId;
    private final DatagramFraming sendFraming;
    private final DatagramFraming receiveFraming;
    private final SessionConfig config;
    private final SessionListener listener;
    private final RtmfpCounters counters;
    private final ReplayWindow replay;
    private final CongestionControl congestion = new CongestionControl();

    private InetSocketAddress address;
    private DatagramOutput output;
    private State state = State.OPEN;
    private long lastReceived;
    private long lastSent;
    private long nearCloseSince;
    private long closeRequestDue;
    private long closedAt;
    private boolean closedNotified;
    /** A last message after which the session ends, and when to end it anyway. */
    private WriteReceipt closeAfter;
    private long closeAfterDeadline = Long.MAX_VALUE;

    private InetSocketAddress probeAddress;
    private byte[] probeMessage;

    private final FlowTable flows;
    private final PacketAssembler packets;
    private Object attachment;

    Session(Responder.Established established, DatagramOutput output, long now, SessionConfig config,
            SessionListener listener, RtmfpCounters counters) {
        this.id = established.responderSessionId();
        this.peerSessionId = established.initiatorSessionId();
        this.peerId = established.peerId().clone();
        this.sendFraming = established.sendFraming();
        this.receiveFraming = established.receiveFraming();
        this.address = established.address();
        this.output = output;
        this.config = config;
        this.listener = listener;
        this.counters = counters;
        this.replay = receiveFraming.sequenceNumbers() ? new ReplayWindow() : null;
        this.lastReceived = now;
        this.lastSent = now;
        this.flows = new FlowTable(this, config, listener, counters, congestion);
        this.packets = new PacketAssembler(peerSessionId, sendFraming, counters);
    }

    public int id() {
        return id;
    }

    public int peerSessionId() {
        return peerSessionId;
    }

    /** The peer's ID: SHA-256 of its certificate (RFC 7425 §4.4). */
    public byte[] peerId() {
        return peerId.clone();
    }

    public String peerIdHex() {
        return HexFormat.of().formatHex(peerId);
    }

    /** The address packets currently come from and go to. */
    public InetSocketAddress address() {
        return address;
    }

    public State state() {
        return state;
    }

    public boolean isOpen() {
        return state == State.OPEN;
    }

    /** Lets the layer above hang its own object (the TC connection) on the session. */
    public Object attachment() {
        return attachment;
    }

    public void attach(Object attachment) {
        this.attachment = attachment;
    }

    DatagramFraming receiveFraming() {
        return receiveFraming;
    }

    DatagramFraming sendFraming() {
        return sendFraming;
    }

    // ---- flows the layer above sends on ----

    /**
     * Opens a send flow (RFC 7016 §3.6.2) with the given user metadata, optionally returning
     * association to one of the peer's flows.
     */
    public SendFlow openFlow(byte[] metadata, OptionalLong returnAssociation) {
        if (state != State.OPEN) {
            throw new IllegalStateException("session " + state);
        }
        return flows.openSend(metadata, returnAssociation);
    }

    public RecvFlow recvFlow(long flowId) {
        return flows.recv(flowId);
    }

    /**
     * Bytes this session's receive flows hold now, awaiting reassembly or delivery (out-of-order
     * fragments included), as charged against {@link SessionConfig#sessionRecvBuffer}.
     */
    public long receiveBufferedBytes() {
        return flows.receiveBufferedBytes();
    }

    /**
     * Queues a Forwarded IHello (chunk 0x0f, RFC 7016 §2.3.3) for the peer: the introduction
     * service tells a target inside its own session who wants to reach it. It leaves in the
     * next session packet (flags 0x4a like every other); the caller services the session.
     */
    public void forwardIHello(Chunk forwardedIHello) {
        if (forwardedIHello.type() != Chunk.FORWARDED_IHELLO) {
            throw new IllegalArgumentException("not a Forwarded IHello: " + forwardedIHello.type());
        }
        if (state == State.OPEN) {
            packets.queue(forwardedIHello);
        }
    }

    // ---- receiving ----

    /**
     * Handles one authenticated packet of this session. Malformed chunks end processing of the
     * packet (what came before them stands), as §2.3 asks of unparseable input. What the
     * session's receive flows hold counts against {@code endpointBudget} too.
     */
    void onPacket(DatagramFraming.Opened opened, InetSocketAddress from, DatagramOutput replies,
                  ReceiveBudget endpointBudget, long now) {
        if (state == State.CLOSED) {
            // Only a repeated close request gets an answer after close (§3.5.5.2).
            for (Chunk c : opened.packet().chunks()) {
                if (c.type() == Chunk.SESSION_CLOSE_REQUEST) {
                    packets.queue(new Chunk(Chunk.SESSION_CLOSE_ACK, new byte[0]));
                }
            }
            return;
        }
        if (replay != null && !replay.accept(opened.sequenceNumber())) {
            counters.increment("drop.replayed");
            return;
        }
        PacketHeader header = opened.packet().header();
        if (header.mode() != PacketHeader.MODE_INITIATOR) {
            counters.increment("drop.wrong-mode");
            return;
        }
        lastReceived = now;
        if (header.hasTimestamp()) {
            packets.onTimestamp(header.timestamp(), now);
        }
        if (header.hasTimestampEcho()) {
            long rtt = ((PacketHeader.timestampAt(now) - header.timestampEcho()) & 0xffff) * (long) PacketHeader.TIMESTAMP_MILLIS;
            if (rtt < 60_000) {
                congestion.onRttSample(rtt);
            }
        }
        if (!from.equals(address)) {
            startAddressProbe(from, replies, now);
        } else {
            output = replies;
        }
        boolean userData = false;
        long heldBefore = receiveBufferedBytes();
        UserDataChunk previous = null;
        try {
            for (Chunk c : opened.packet().chunks()) {
                if (state == State.CLOSED) {
                    break;
                }
                switch (c.type()) {
                    case Chunk.USER_DATA, Chunk.NEXT_USER_DATA -> {
                        UserDataChunk chunk = UserDataChunk.decode(c.type(), c.payloadBuffer(), previous);
                        previous = chunk;
                        userData = true;
                        onUserData(chunk, endpointBudget, now);
                    }
                    case Chunk.ACK_BITMAP, Chunk.ACK_RANGES -> {
                        previous = null;
                        AckChunk ack = AckChunk.decode(c.type(), c.payload());
                        SendFlow f = flows.send(ack.flowId());
                        if (f != null) {
                            f.onAck(ack, now);
                        }
                    }
                    case Chunk.BUFFER_PROBE -> {
                        previous = null;
                        RecvFlow f = flows.recv(BufferProbeChunk.decode(c.payload()).flowId());
                        if (f != null) {
                            f.onBufferProbe();
                        }
                    }
                    case Chunk.FLOW_EXCEPTION -> {
                        previous = null;
                        FlowExceptionChunk e = FlowExceptionChunk.decode(c.payload());
                        SendFlow f = flows.send(e.flowId());
                        if (f != null) {
                            f.onException(e.exceptionCode());
                        }
                    }
                    case Chunk.PING -> {
                        previous = null;
                        packets.queue(new Chunk(Chunk.PING_REPLY, c.payload()));
                    }
                    case Chunk.PING_REPLY -> {
                        previous = null;
                        onPingReply(c.payload(), from, replies);
                    }
                    case Chunk.SESSION_CLOSE_REQUEST -> {
                        packets.queue(new Chunk(Chunk.SESSION_CLOSE_ACK, new byte[0]));
                        becomeClosed(now);
                    }
                    case Chunk.SESSION_CLOSE_ACK -> {
                        // Also the unsolicited way librtmfp ends a session (docs/interop.md).
                        becomeClosed(now);
                    }
                    default -> {
                        previous = null;
                        counters.increment("chunk.ignored");
                    }
                }
            }
        } catch (MalformedException e) {
            counters.increment("drop.malformed-chunk");
        }
        if (userData) {
            flows.onPacketWithUserData();
        }
        if (receiveBufferedBytes() < heldBefore) {
            flows.refreshWindows();
        }
        flows.dispatchEvents();
        closeIfLastMessageDone(now);
    }

    private void onUserData(UserDataChunk chunk, ReceiveBudget endpointBudget, long now) {
        if (state != State.OPEN) {
            return; // closing: the layer above heard the close, nothing more is delivered or held
        }
        flows.onUserData(chunk, endpointBudget, now);
    }

    // ---- mobility (§3.5.4) ----

    private void startAddressProbe(InetSocketAddress from, DatagramOutput replies, long now) {
        if (from.equals(probeAddress)) {
            return;
        }
        probeAddress = from;
        probeMessage = new byte[8];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(probeMessage);
        counters.increment("session.address-probe");
        replies.send(from, packets.single(new Chunk(Chunk.PING, probeMessage), now));
    }

    private void onPingReply(byte[] message, InetSocketAddress from, DatagramOutput replies) {
        if (probeMessage != null && from.equals(probeAddress) && java.util.Arrays.equals(message, probeMessage)) {
            address = from;
            output = replies;
            probeAddress = null;
            probeMessage = null;
            counters.increment("session.address-changed");
        }
    }

    // ---- closing ----

    /**
     * Closes the session (§3.5.5.2) once a last message is delivered or abandoned, or at
     * {@code deadline} if the peer never acknowledges it: e.g. a refusal, which the peer must
     * read before the session ends.
     */
    public void closeWhenDelivered(WriteReceipt receipt, long deadline) {
        closeAfter = receipt;
        closeAfterDeadline = deadline;
    }

    private void closeIfLastMessageDone(long now) {
        if (closeAfter != null && (closeAfter.status() != WriteReceipt.Status.PENDING || now >= closeAfterDeadline)) {
            closeAfter = null;
            close(now);
        }
    }

    /** Starts an orderly close (§3.5.5.2): close requests until acknowledged or timed out. */
    public void close(long now) {
        if (state != State.OPEN) {
            return;
        }
        state = State.NEAR_CLOSE;
        nearCloseSince = now;
        closeRequestDue = now;
        notifyClosed();
        flows.releaseRecvFlows();
    }

    private void becomeClosed(long now) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        closedAt = now;
        flows.releaseAll();
        notifyClosed();
    }

    private void notifyClosed() {
        if (!closedNotified) {
            closedNotified = true;
            listener.onSessionClosed(this);
        }
    }

    /** True once the session can be forgotten. */
    boolean isFinished(long now) {
        return state == State.CLOSED && now - closedAt >= SessionConfig.CLOSED_LINGER_MILLIS
                || state == State.NEAR_CLOSE && now - nearCloseSince >= SessionConfig.CLOSED_LINGER_MILLIS;
    }

    /** Forgets everything at once (shutdown, or the peer ended the session with a close ack). */
    void release(long now) {
        becomeClosed(now);
    }

    // ---- timers ----

    /** The earliest time {@link #onTimer} has work to do. */
    long nextDeadline() {
        long d = Long.MAX_VALUE;
        switch (state) {
            case CLOSED -> d = closedAt + SessionConfig.CLOSED_LINGER_MILLIS;
            case NEAR_CLOSE -> d = Math.min(closeRequestDue, nearCloseSince + SessionConfig.CLOSED_LINGER_MILLIS);
            case OPEN -> {
                d = Math.min(lastReceived + config.idleTimeoutMillis(), keepaliveDue());
                d = Math.min(d, closeAfterDeadline);
                d = Math.min(d, congestion.nextDeadline());
                d = flows.nextDeadline(d);
            }
        }
        return d;
    }

    private long keepaliveDue() {
        return Math.max(lastReceived, lastSent) + config.keepaliveMillis();
    }

    void onTimer(long now) {
        closeIfLastMessageDone(now);
        if (state == State.OPEN) {
            if (now - lastReceived >= config.idleTimeoutMillis()) {
                counters.increment("session.idle-timeout");
                close(now);
            } else {
                if (now >= keepaliveDue()) {
                    packets.queue(new Chunk(Chunk.PING, new byte[0]));
                }
                congestion.onTimer(now);
                flows.expireCompletedRecvFlows(now);
            }
        }
        if (state == State.NEAR_CLOSE && now >= closeRequestDue) {
            packets.queue(new Chunk(Chunk.SESSION_CLOSE_REQUEST, new byte[0]));
            closeRequestDue = now + SessionConfig.CLOSE_RETRANSMIT_MILLIS;
        }
    }

    // ---- sending ----

    /** Sends everything that is owed now: control chunks, acks, user data ({@link PacketAssembler}). */
    void flush(long now) {
        flows.retireCompletedRecvFlows(now);
        if (output == null) {
            return;
        }
        for (int guard = 0; guard < 1024; guard++) {
            byte[] datagram = packets.next(state == State.OPEN ? flows : null, now);
            if (datagram == null) {
                return;
            }
            output.send(address, datagram);
            lastSent = now;
        }
    }

    @Override
    public String toString() {
        return "Session[" + id + " " + address + " " + state + "]";
    }
}
