package org.nimbus.rtmfp.session;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.nimbus.rtmfp.flow.CongestionControl;
import org.nimbus.rtmfp.flow.FlowEvent;
import org.nimbus.rtmfp.flow.FlowStart;
import org.nimbus.rtmfp.flow.ReceiveBudget;
import org.nimbus.rtmfp.flow.RecvFlow;
import org.nimbus.rtmfp.flow.SendFlow;
import org.nimbus.rtmfp.flow.UserDataChunk;
import org.nimbus.rtmfp.packet.Chunk;

/**
 * The flows one session multiplexes (RFC 7016 §3.6): its send flows, sharing the session's
 * congestion control; its receive flows, opened by the peer's first User Data of each, bounded in
 * number and sharing the session's {@link ReceiveBudget}; and the recently completed receive
 * flows, remembered so late retransmissions are not taken for new flows. Also the session-wide
 * acknowledgement rule (every second packet with user data, §3.6.3.4.4) and the chunks flows add
 * to an outgoing packet. Owned by its {@link Session}, on the endpoint's thread.
 */
final class FlowTable {
    private final Session session;
    private final SessionConfig config;
    private final SessionListener listener;
    private final RtmfpCounters counters;
    private final CongestionControl congestion;
    private final Map<Long, RecvFlow> recvFlows = new LinkedHashMap<>();
    /** Completed receive flows by ID, with when they completed (oldest first). */
    private final Map<Long, Long> completedRecvFlows = new LinkedHashMap<>();
    private final Map<Long, SendFlow> sendFlows = new LinkedHashMap<>();
    /** What the receive flows hold, under the endpoint's budget; made with the first flow. */
    private ReceiveBudget recvBudget;
    private long nextSendFlowId = 1;
    private int packetsSinceAck;

    FlowTable(Session session, SessionConfig config, SessionListener listener, RtmfpCounters counters,
              CongestionControl congestion) {
        this.session = session;
        this.config = config;
        this.listener = listener;
        this.counters = counters;
        this.congestion = congestion;
    }

    SendFlow openSend(byte[] metadata, OptionalLong returnAssociation) {
        SendFlow flow = new SendFlow(nextSendFlowId++, metadata, returnAssociation, congestion);
        sendFlows.put(flow.flowId(), flow);
        return flow;
    }

    RecvFlow recv(long flowId) {
        return recvFlows.get(flowId);
    }

    SendFlow send(long flowId) {
        return sendFlows.get(flowId);
    }

    long receiveBufferedBytes() {
        return recvBudget == null ? 0 : recvBudget.used();
    }

    /**
     * One User Data chunk: to its receive flow, or to a new one (§3.6.3.1: the layer above accepts
     * or rejects it by its metadata; beyond the flow limit it is rejected), counting what is dropped.
     */
    void onUserData(UserDataChunk chunk, ReceiveBudget endpointBudget, long now) {
        RecvFlow flow = recvFlows.get(chunk.flowId());
        if (flow == null) {
            if (completedRecvFlows.containsKey(chunk.flowId())) {
                return; // a late retransmission of a finished flow: nothing new to deliver
            }
            FlowStart start = FlowStart.of(chunk);
            long code = recvFlows.size() >= config.maxRecvFlows() ? Session.REJECTED_FLOW
                    : start.acceptable() ? listener.onFlowStarting(session, start) : Session.REJECTED_FLOW;
            if (recvBudget == null) {
                recvBudget = endpointBudget.child(config.sessionRecvBuffer());
            }
            flow = RecvFlow.open(start, config.recvFlowBuffer(), recvBudget, Session.REJECTED_FLOW);
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

    /** §3.6.3.4.4: acknowledge at least every second packet carrying user data. */
    void onPacketWithUserData() {
        if (++packetsSinceAck >= 2) {
            packetsSinceAck = 0;
            for (RecvFlow f : recvFlows.values()) {
                f.ackNow();
            }
        }
    }

    /** Room freed in the session's budget: flows that advertised none say so now. */
    void refreshWindows() {
        for (RecvFlow f : recvFlows.values()) {
            f.refreshWindow();
        }
    }

    /**
     * Hands received messages and completions to the layer above, and forgets send flows that
     * are done. Stops as soon as a callback closed the session, which let the receive flows go.
     */
    void dispatchEvents() {
        recv:
        for (Iterator<RecvFlow> it = recvFlows.values().iterator(); it.hasNext(); ) {
            RecvFlow flow = it.next();
            for (FlowEvent e : flow.takeEvents()) {
                if (!session.isOpen()) {
                    break recv;
                }
                if (e instanceof FlowEvent.MessageReceived m) {
                    if (flow.state() != RecvFlow.State.REJECTED) {
                        listener.onMessage(session, flow, m.message());
                    }
                } else if (e instanceof FlowEvent.RecvFlowComplete) {
                    listener.onRecvFlowComplete(session, flow);
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

    /** Forgets every receive flow, giving what they held back to the budgets. */
    void releaseRecvFlows() {
        for (RecvFlow f : recvFlows.values()) {
            f.release();
        }
        recvFlows.clear();
    }

    void releaseAll() {
        releaseRecvFlows();
        sendFlows.clear();
    }

    /** Completed receive flows whose last ack went out move to the completed list. */
    void retireCompletedRecvFlows(long now) {
        for (Iterator<RecvFlow> it = recvFlows.values().iterator(); it.hasNext(); ) {
            RecvFlow f = it.next();
            if (f.isComplete() && !f.isAckPending()) {
                completedRecvFlows.put(f.flowId(), now);
                f.release();
                it.remove();
            }
        }
    }

    /** Forgets completed flows after {@link Session#COMPLETED_FLOW_LINGER_MILLIS}. */
    void expireCompletedRecvFlows(long now) {
        for (Iterator<Map.Entry<Long, Long>> it = completedRecvFlows.entrySet().iterator(); it.hasNext(); ) {
            if (now - it.next().getValue() >= Session.COMPLETED_FLOW_LINGER_MILLIS) {
                it.remove();
            } else {
                break;
            }
        }
    }

    /** The earliest ack, send or expiry deadline of the flows, or {@code d} if earlier. */
    long nextDeadline(long d) {
        for (RecvFlow f : recvFlows.values()) {
            d = Math.min(d, f.ackDeadline());
        }
        for (SendFlow f : sendFlows.values()) {
            d = Math.min(d, f.nextDeadline());
        }
        if (!completedRecvFlows.isEmpty()) {
            d = Math.min(d, completedRecvFlows.values().iterator().next() + Session.COMPLETED_FLOW_LINGER_MILLIS);
        }
        return d;
    }

    /**
     * Adds owed acknowledgements within {@code budget} bytes: with {@code onlyDue}, those due now
     * (urgent or past their delay); otherwise the rest, only to a packet that already has chunks.
     * Returns the budget left.
     */
    int addAcks(List<Chunk> chunks, int budget, long now, boolean onlyDue) {
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

    /** Adds what the send flows may send now within {@code budget} bytes; returns the budget left. */
    int addUserData(List<Chunk> chunks, int budget, long now) {
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
}
