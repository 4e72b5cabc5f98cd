package org.nimbus.tc;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.nimbus.rtmfp.flow.SendFlow;
import org.nimbus.rtmfp.session.RtmfpCounters;
import org.nimbus.rtmfp.session.Session;

/**
 * The TC side of one RTMFP session: its NetConnection and the flows of its streams (RFC 7425
 * §5.1). What the server sends on stream N goes on one server flow with metadata {@code TC 04 N},
 * always in return association with the client's NetConnection flow (the flow that carried
 * {@code connect}): RFC 7425 §5.1.1 allows either that flow or the stream's own, but rtmfp-cpp
 * clients only deliver server flows tied to their NetConnection flow, and every other family
 * accepts them (docs/interop.md, "NetStreams through the server"). Audio and video toward a
 * client that does not keep up are shed ({@link MediaShedder}), so each flow stays bounded. Loop
 * thread only, like the session it belongs to.
 */
public final class TcSession {
    /** NEW until connect; CONNECTING while the application decides; then CONNECTED or REJECTED. */
    public enum State { NEW, CONNECTING, CONNECTED, REJECTED, CLOSED }

    /** How long a refused client has to acknowledge its {@code _error} before the session ends anyway. */
    static final long REFUSAL_CLOSE_MILLIS = 10_000;

    private final Session session;
    /** The client's NetConnection flow (the first TC flow of stream 0), or -1 before it. */
    private long netConnectionFlow = -1;
    private final Map<Long, SendFlow> sendFlows = new HashMap<>();
    private final Map<Long, MediaShedder> shedders = new HashMap<>();
    private final long mediaBufferBytes;
    private final RtmfpCounters counters;
    private State state = State.NEW;
    private volatile Object application;

    TcSession(Session session, long mediaBufferBytes, RtmfpCounters counters) {
        this.session = session;
        this.mediaBufferBytes = mediaBufferBytes;
        this.counters = counters;
    }

    public Session session() {
        return session;
    }

    public String peerIdHex() {
        return session.peerIdHex();
    }

    public State state() {
        return state;
    }

    void state(State s) {
        state = s;
    }

    /** The application's object for this NetConnection (the Red5 connection); any thread may read it. */
    public Object application() {
        return application;
    }

    public void attach(Object application) {
        this.application = application;
    }

    /** The client's NetConnection flow, or -1. */
    long netConnectionFlow() {
        return netConnectionFlow;
    }

    /** A client flow of stream 0: the first one is the NetConnection flow, every reply's target. */
    void clientFlow(long streamId, long flowId) {
        if (streamId == 0 && netConnectionFlow < 0) {
            netConnectionFlow = flowId;
        }
    }

    /**
     * Queues a message on stream {@code streamId}; dropped when the session is no longer open,
     * and audio or video also when the stream's flow holds too much ({@link MediaShedder}).
     */
    public void write(long streamId, TcMessage message, long now) {
        SendFlow flow = flow(streamId);
        if (flow != null && !shedders.get(streamId).offer(flow, message, now)) {
            counters.increment("tc.media-shed");
        }
    }

    /** Bytes written on the stream's current flow and not yet acknowledged; 0 without a flow. */
    public long bufferedBytes(long streamId) {
        SendFlow flow = sendFlows.get(streamId);
        return flow == null ? 0 : flow.bufferedBytes();
    }

    private SendFlow flow(long streamId) {
        if (!session.isOpen()) {
            return null;
        }
        SendFlow flow = sendFlows.get(streamId);
        if (flow == null || flow.state() != SendFlow.State.OPEN) {
            flow = session.openFlow(TcMetadata.forStream(streamId),
                    netConnectionFlow < 0 ? OptionalLong.empty() : OptionalLong.of(netConnectionFlow));
            sendFlows.put(streamId, flow);
            shedders.put(streamId, new MediaShedder(mediaBufferBytes));
        }
        return flow;
    }

    /** The stream is deleted: its flow ends (§3.6.2.10); a later message opens a new one. */
    public void closeStream(long streamId) {
        SendFlow flow = sendFlows.remove(streamId);
        shedders.remove(streamId);
        if (flow != null) {
            flow.close();
        }
    }

    /** The NetConnection accepted: the {@code _result} and the keepalive go out in one packet. */
    public void accept(double transactionId, Map<String, Object> info, long serverKeepaliveMillis,
                       long peerKeepaliveMillis, long now) {
        if (state != State.CONNECTING) {
            return;
        }
        state = State.CONNECTED;
        write(0, Replies.result(transactionId, info), now);
        write(0, UserControl.keepalive(serverKeepaliveMillis, peerKeepaliveMillis), now);
    }

    /**
     * The NetConnection refused: the {@code _error}, then the session ends once the client has
     * it (acknowledged), or after {@link #REFUSAL_CLOSE_MILLIS} if it never says so. Flash closes
     * the session itself on reading the refusal; other clients would hold it until the idle timeout.
     */
    public void reject(double transactionId, Map<String, Object> info, long now) {
        if (state != State.CONNECTING) {
            return;
        }
        state = State.REJECTED;
        SendFlow flow = flow(0);
        if (flow != null) {
            session.closeWhenDelivered(flow.write(Replies.error(transactionId, info).encode(), now), now + REFUSAL_CLOSE_MILLIS);
        }
    }

    /**
     * A last message on the NetConnection's flow, then the session ends once the client has it
     * (or after {@link #REFUSAL_CLOSE_MILLIS}): how the connectivity check hands over its results.
     */
    public void finish(TcMessage last, long now) {
        SendFlow flow = flow(0);
        if (flow != null) {
            session.closeWhenDelivered(flow.write(last.encode(), now), now + REFUSAL_CLOSE_MILLIS);
        }
    }

    /** Ends the RTMFP session (the application closed the connection). */
    public void close(long now) {
        session.close(now);
    }

    @Override
    public String toString() {
        return "TcSession[" + peerIdHex().substring(0, 16) + "… " + state + "]";
    }
}
