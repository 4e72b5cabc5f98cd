package org.nimbus.rtmfp.session;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.nimbus.rtmfp.flow.AckChunk;
import org.nimbus.rtmfp.flow.BufferProbeChunk;
import org.nimbus.rtmfp.flow.CongestionControl;
import org.nimbus.rtmfp.flow.FlowEvent;
import org.nimbus.rtmfp.flow.FlowExceptionChunk;
import org.nimbus.rtmfp.flow.FlowStart;
import org.nimbus.rtmfp.flow.ReceiveBudget;
import org.nimbus.rtmfp.flow.RecvFlow;
import org.nimbus.rtmfp.flow.SendFlow;
import org.nimbus.rtmfp.flow.UserDataChunk;
import org.nimbus.rtmfp.flow.WriteReceipt;
import org.nimbus.rtmfp.handshake.Responder;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.Datagram;
import org.nimbus.rtmfp.packet.DatagramFraming;
import org.nimbus.rtmfp.packet.MalformedException;
import org.nimbus.rtmfp.packet.Packet;
import org.nimbus.rtmfp.packet.PacketHeader;

/**
 * One established RTMFP session on the responder side (RFC 7016 §3.5): its keys and address,
 * timestamps and echo (§3.5.2), ping/keepalive and idle timeout (§3.5.5), the close handshake
 * (§3.5.5.2), address mobility (§3.5.4), and the flows it multiplexes (§3.6). Packets from the
 * peer come in through {@link #onPacket}; {@link #flush} turns what is owed into datagrams.
 * Not thread-safe: the endpoint's single driving thread owns it.
 */
public final class Session {
    public enum State { OPEN, NEAR_CLOSE, CLOSED }

    /** Flow exception code for flows the layer above or a limit refuses. */
    public static final long REJECTED_FLOW = 1;
    /** Completed receive flows are remembered this long to acknowledge late retransmissions. */
    static final long COMPLETED_FLOW_LINGER_MILLIS = 120_000;
    /** §3.5.2: a timestamp echo is only meaningful for this long after the timestamp arrived. */
    private static final long ECHO_VALIDITY_MILLIS = 128_000;
    /** Responder-mode session packets always carry a timestamp (docs/interop.md: 0x4a / 0x4e). */
    private static final int FLAGS = PacketHeader.TIME_CRITICAL_REVERSE | PacketHeader.TIMESTAMP
            | PacketHeader.MODE_RESPONDER;

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
    private long sendSequenceNumber;
    private long lastReceived;
    private long lastSent;
    private long nearCloseSince;
    private long closeRequestDue;
    private long closedAt;
    private boolean closedNotified;
    /** A last message after which the session ends, and when to end it anyway. */
    private WriteReceipt closeAfter;
    private long closeAfterDeadline = Long.MAX_VALUE;

    private int tsRx = -1;
    private long tsRxTime;
    private int tsEchoTx = -1;

    private InetSocketAddress probeAddress;
    private byte[] probeMessage;

    private final ArrayDeque<Chunk> control = new ArrayDeque<>();
    private final Map<Long, RecvFlow> recvFlows = new LinkedHashMap<>();
    private final Map<Long, Long> completedRecvFlows = new LinkedHashMap<>();
    private final Map<Long, SendFlow> sendFlows = new LinkedHashMap<>();
    /** What the receive flows hold, under the endpoint's budget; made with the first flow. */
    private ReceiveBudget recvBudget;
    private long nextSendFlowId = 1;
    private int packetsSinceAck;
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
        SendFlow flow = new SendFlow(nextSendFlowId++, metadata, returnAssociation, congestion);
        sendFlows.put(flow.flowId(), flow);
        return flow;
    }

    public RecvFlow recvFlow(long flowId) {
        return recvFlows.get(flowId);
    }

    /**
     * Bytes this session's receive flows hold now, awaiting reassembly or delivery (out-of-order
     * fragments included), as charged against {@link SessionConfig#sessionRecvBuffer}.
     */
    public long receiveBufferedBytes() {
        return recvBudget == null ? 0 : recvBudget.used();
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
            control.add(forwardedIHello);
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
                    control.add(new Chunk(Chunk.SESSION_CLOSE_ACK, new byte[0]));
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
            onTimestamp(header.timestamp(), now);
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
                        SendFlow f = sendFlows.get(ack.flowId());
                        if (f != null) {
                            f.onAck(ack, now);
                        }
                    }
                    case Chunk.BUFFER_PROBE -> {
                        previous = null;
                        RecvFlow f = recvFlows.get(BufferProbeChunk.decode(c.payload()).flowId());
                        if (f != null) {
                            f.onBufferProbe();
                        }
                    }
                    case Chunk.FLOW_EXCEPTION -> {
                        previous = null;
                        FlowExceptionChunk e = FlowExceptionChunk.decode(c.payload());
                        SendFlow f = sendFlows.get(e.flowId());
                        if (f != null) {
                            f.onException(e.exceptionCode());
                        }
                    }
                    case Chunk.PING -> {
                        previous = null;
                        control.add(new Chunk(Chunk.PING_REPLY, c.payload()));
                    }
                    case Chunk.PING_REPLY -> {
                        previous = null;
                        onPingReply(c.payload(), from, replies);
                    }
                    case Chunk.SESSION_CLOSE_REQUEST -> {
                        control.add(new Chunk(Chunk.SESSION_CLOSE_ACK, new byte[0]));
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
        if (userData && ++packetsSinceAck >= 2) {
            // §3.6.3.4.4: acknowledge at least every second packet carrying user data.
            packetsSinceAck = 0;
            for (RecvFlow f : recvFlows.values()) {
                f.ackNow();
            }
        }
        if (receiveBufferedBytes() < heldBefore) {
            // room freed in the session's budget: flows that advertised none say so now
            for (RecvFlow f : recvFlows.values()) {
                f.refreshWindow();
            }
        }
        dispatchEvents(now);
        closeIfLastMessageDone(now);
    }

    private void onTimestamp(int ts, long now) {
        // §3.5.2: keep the most recent timestamp (modulo 2^16) and when it came.
        if (tsRx < 0 || ((ts - tsRx) & 0xffff) < 0x8000) {
            if (ts != tsRx) {
                tsRx = ts;
                tsRxTime = now;
            }
        }
    }

    private void onUserData(UserDataChunk chunk, ReceiveBudget endpointBudget, long now) {
        if (state != State.OPEN) {
            return; // closing: the layer above heard the close, nothing more is delivered or held
        }
        RecvFlow flow = recvFlows.get(chunk.flowId());
        if (flow == null) {
            if (completedRecvFlows.containsKey(chunk.flowId())) {
                return; // a late retransmission of a finished flow: nothing new to deliver
            }
            FlowStart start = FlowStart.of(chunk);
            long code = recvFlows.size() >= config.maxRecvFlows() ? REJECTED_FLOW
                    : start.acceptable() ? listener.onFlowStarting(this, start) : REJECTED_FLOW;
            if (recvBudget == null) {
                recvBudget = endpointBudget.child(config.sessionRecvBuffer());
            }
            flow = RecvFlow.open(start, config.recvFlowBuffer(), recvBudget, REJECTED_FLOW);
            if (code != 0) {
                flow.reject(code);
                counters.increment("flow.rejected");
            }
            recvFlows.put(chunk.flowId(), flow);
        }
        long revokedBefore = endpointBudget.revokedTurns();
        RecvFlow.Intake intake = flow.onUserData(chunk, now);
        if (endpointBudget.revokedTurns() != revokedBefore) {
            counters.increment("flow.turn-revoked"); // a flow held a full budget's turn too long: rejected
        }
        switch (intake) {
            case OVER_FLOW_BUFFER -> counters.increment("drop.recv-flow-buffer");
            case OVER_SESSION_BUDGET -> counters.increment("drop.recv-session-budget");
            case OVER_ENDPOINT_BUDGET -> counters.increment("drop.recv-endpoint-budget");
            case TAKEN -> {
            }
        }
    }

    private void dispatchEvents(long now) {
        recv:
        for (Iterator<RecvFlow> it = recvFlows.values().iterator(); it.hasNext(); ) {
            RecvFlow flow = it.next();
            for (FlowEvent e : flow.takeEvents()) {
                if (state != State.OPEN) {
                    break recv; // the listener closed the session, which let its receive flows go
                }
                if (e instanceof FlowEvent.MessageReceived m) {
                    if (flow.state() != RecvFlow.State.REJECTED) {
                        listener.onMessage(this, flow, m.message());
                    }
                } else if (e instanceof FlowEvent.RecvFlowComplete) {
                    listener.onRecvFlowComplete(this, flow);
                }
            }
        }
        for (Iterator<SendFlow> it = sendFlows.values().iterator(); it.hasNext(); ) {
            SendFlow flow = it.next();
            flow.takeEvents();
            if (flow.isComplete()) {
                it.remove();
            }
        }
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
        Packet p = Packet.of(header(now), new Chunk(Chunk.PING, probeMessage));
        replies.send(from, seal(p));
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
        releaseRecvFlows();
    }

    private void becomeClosed(long now) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        closedAt = now;
        releaseRecvFlows();
        sendFlows.clear();
        notifyClosed();
    }

    /** Forgets every receive flow, giving what they held back to the budgets. */
    private void releaseRecvFlows() {
        for (RecvFlow f : recvFlows.values()) {
            f.release();
        }
        recvFlows.clear();
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
                for (RecvFlow f : recvFlows.values()) {
                    d = Math.min(d, f.ackDeadline());
                }
                for (SendFlow f : sendFlows.values()) {
                    d = Math.min(d, f.nextDeadline());
                }
                if (!completedRecvFlows.isEmpty()) {
                    d = Math.min(d, completedRecvFlows.values().iterator().next() + COMPLETED_FLOW_LINGER_MILLIS);
                }
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
                    control.add(new Chunk(Chunk.PING, new byte[0]));
                }
                congestion.onTimer(now);
                for (Iterator<Map.Entry<Long, Long>> it = completedRecvFlows.entrySet().iterator(); it.hasNext(); ) {
                    if (now - it.next().getValue() >= COMPLETED_FLOW_LINGER_MILLIS) {
                        it.remove();
                    } else {
                        break;
                    }
                }
            }
        }
        if (state == State.NEAR_CLOSE && now >= closeRequestDue) {
            control.add(new Chunk(Chunk.SESSION_CLOSE_REQUEST, new byte[0]));
            closeRequestDue = now + SessionConfig.CLOSE_RETRANSMIT_MILLIS;
        }
    }

    // ---- sending ----

    /** Sends everything that is owed now: control chunks, acks, user data. */
    void flush(long now) {
        retireCompletedRecvFlows(now);
        if (output == null) {
            return;
        }
        for (int guard = 0; guard < 1024; guard++) {
            PacketHeader header = header(now);
            int budget = sendFraming.maxPacketSize(Datagram.MAX_SEND_SIZE, sendSequenceNumber) - header.size();
            List<Chunk> chunks = new ArrayList<>();
            budget = addControl(chunks, budget);
            if (state == State.OPEN) {
                budget = addAcks(chunks, budget, now, true);
                budget = addUserData(chunks, budget, now);
                addAcks(chunks, budget, now, false);
            }
            if (chunks.isEmpty()) {
                return;
            }
            if (header.hasTimestampEcho()) {
                tsEchoTx = header.timestampEcho();
            }
            output.send(address, seal(new Packet(header, chunks)));
            lastSent = now;
        }
    }

    private void retireCompletedRecvFlows(long now) {
        for (Iterator<RecvFlow> it = recvFlows.values().iterator(); it.hasNext(); ) {
            RecvFlow f = it.next();
            if (f.isComplete() && !f.isAckPending()) {
                completedRecvFlows.put(f.flowId(), now);
                f.release();
                it.remove();
            }
        }
    }

    private int addControl(List<Chunk> chunks, int budget) {
        while (!control.isEmpty()) {
            Chunk c = control.peek();
            if (c.size() > budget) {
                if (chunks.isEmpty()) {
                    control.poll(); // can never fit (an oversized ping to echo): drop it
                    counters.increment("drop.oversized-control");
                    continue;
                }
                break;
            }
            control.poll();
            chunks.add(c);
            budget -= c.size();
        }
        return budget;
    }

    private int addAcks(List<Chunk> chunks, int budget, long now, boolean onlyDue) {
        for (RecvFlow f : recvFlows.values()) {
            if (!f.isAckPending()) {
                continue;
            }
            boolean due = f.isAckUrgent() || now >= f.ackDeadline();
            if (onlyDue && !due || !onlyDue && chunks.isEmpty()) {
                continue; // leftover acks only ride along in a packet that goes anyway
            }
            for (Chunk c : f.takeAck(budget)) {
                chunks.add(c);
                budget -= c.size();
            }
        }
        return budget;
    }

    private int addUserData(List<Chunk> chunks, int budget, long now) {
        for (SendFlow f : sendFlows.values()) {
            if (budget <= Chunk.HEADER_SIZE || !f.isReadyToSend(now)) {
                continue;
            }
            for (Chunk c : f.assemble(budget, now)) {
                chunks.add(c); // the flow's own encoding: no copy until the packet is written
                budget -= c.size();
            }
        }
        return budget;
    }

    /** §3.5.2: timestamp always; the echo when a fresh one is owed. */
    private PacketHeader header(long now) {
        int ts = PacketHeader.timestampAt(now);
        if (tsRx >= 0 && now - tsRxTime < ECHO_VALIDITY_MILLIS) {
            int echo = (tsRx + (int) ((now - tsRxTime) / PacketHeader.TIMESTAMP_MILLIS)) & 0xffff;
            if (echo != tsEchoTx) {
                return new PacketHeader(FLAGS | PacketHeader.TIMESTAMP_ECHO, ts, echo);
            }
        }
        return new PacketHeader(FLAGS, ts, 0);
    }

    private byte[] seal(Packet p) {
        long ssn = sendFraming.sequenceNumbers() ? sendSequenceNumber++ : DatagramFraming.NO_SEQUENCE_NUMBER;
        return sendFraming.seal(peerSessionId, ssn, p);
    }

    @Override
    public String toString() {
        return "Session[" + id + " " + address + " " + state + "]";
    }
}
