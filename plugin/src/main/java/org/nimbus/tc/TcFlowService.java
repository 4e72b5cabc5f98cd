package org.nimbus.tc;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.nimbus.introduction.PeerDirectory;
import org.nimbus.rtmfp.flow.FlowStart;
import org.nimbus.rtmfp.flow.RecvFlow;
import org.nimbus.rtmfp.session.FlowDispatcher;
import org.nimbus.rtmfp.session.RtmfpCounters;
import org.nimbus.rtmfp.session.Session;

/**
 * The TC layer on RTMFP flows (RFC 7425 §5): claims flows whose metadata starts with "TC",
 * frames their messages, keeps each session's NetConnection and stream flows
 * ({@link TcSession}), and answers what belongs to the rendezvous server itself on the loop
 * thread: {@code setPeerInfo} (§5.4, stored for introductions) and the Cirrus-style
 * {@code relay}. {@code connect} and everything a connected NetConnection sends otherwise go to
 * the {@link TcApplication} (Red5). A client's bad input gets an {@code _error} on its own
 * NetConnection flow and touches nobody else.
 */
public final class TcFlowService implements FlowDispatcher.Service {

    /** The loop that owns the sessions: its executor, clock, and the flush after writing. */
    public interface Loop {
        void execute(Runnable task);

        long now();

        void flush(Session session);
    }

    private final TcApplication application;
    private final PeerDirectory peers;
    private volatile RtmfpCounters counters = new RtmfpCounters();
    private final long serverKeepaliveMillis;
    private final long peerKeepaliveMillis;
    private final long mediaBufferBytes;
    /** Connected NetConnections by peer ID, for relay. Written on the loop; read anywhere. */
    private final Map<String, TcSession> connected = new ConcurrentHashMap<>();
    /** Every open session's TC state (the session's attachment slot stays free for others). Loop only. */
    private final Map<Session, TcSession> sessions = new java.util.IdentityHashMap<>();
    private volatile Loop loop;
    private volatile String serverFingerprintHex = "";

    /**
     * @param mediaBufferBytes unacknowledged bytes one stream flow may hold before audio and video
     *        toward its client are shed ({@link MediaShedder})
     */
    public TcFlowService(TcApplication application, PeerDirectory peers, long serverKeepaliveMillis,
                         long peerKeepaliveMillis, long mediaBufferBytes) {
        this.application = application;
        this.peers = peers;
        this.serverKeepaliveMillis = serverKeepaliveMillis;
        this.peerKeepaliveMillis = peerKeepaliveMillis;
        this.mediaBufferBytes = mediaBufferBytes;
    }

    /**
     * Connects the service to the running endpoint: its loop, its certificate's fingerprint (the
     * clients' farID) and its counters.
     */
    public void bind(Loop loop, String serverFingerprintHex, RtmfpCounters counters) {
        this.loop = loop;
        this.serverFingerprintHex = serverFingerprintHex;
        this.counters = counters;
    }

    /** The TC state of an open session, or null (loop thread only). */
    public TcSession of(Session session) {
        return sessions.get(session);
    }

    public String serverFingerprintHex() {
        return serverFingerprintHex;
    }

    public long serverKeepaliveMillis() {
        return serverKeepaliveMillis;
    }

    public long peerKeepaliveMillis() {
        return peerKeepaliveMillis;
    }

    /** Connected NetConnections right now. */
    public int connectedCount() {
        return connected.size();
    }

    /** The connected NetConnection of a peer, or null. */
    public TcSession connectedSession(String peerIdHex) {
        return connected.get(peerIdHex);
    }

    /**
     * Runs {@code action} on the loop thread against the TC session, then flushes the session:
     * how other threads (Red5's) answer and write. Nothing runs once the session is closed.
     */
    public void post(TcSession session, Consumer<TcSession> action) {
        Loop l = loop;
        l.execute(() -> {
            if (session.state() == TcSession.State.CLOSED) {
                return;
            }
            action.accept(session);
            l.flush(session.session());
            if (session.state() == TcSession.State.CONNECTED) {
                connected.put(session.peerIdHex(), session);
            }
        });
    }

    public long now() {
        return loop.now();
    }

    // ---- FlowDispatcher.Service ----

    @Override
    public boolean claims(byte[] metadata) {
        return TcMetadata.isTc(metadata);
    }

    @Override
    public void onSessionOpened(Session session) {
        sessions.put(session, new TcSession(session, mediaBufferBytes, counters));
    }

    @Override
    public long onFlowStarting(Session session, FlowStart start) {
        TcMetadata md = TcMetadata.parse(start.metadata().orElse(new byte[0])).orElse(null);
        TcSession tc = tc(session);
        if (md == null || tc == null) {
            return Session.REJECTED_FLOW;
        }
        // A NetStream flow before the NetConnection is connected belongs to nothing (§5.2).
        if (md.streamId() != 0 && tc.state() != TcSession.State.CONNECTED) {
            counters.increment("tc.unassociated-flow");
            return Session.REJECTED_FLOW;
        }
        return 0;
    }

    @Override
    public void onMessage(Session session, RecvFlow flow, byte[] bytes) {
        TcSession tc = tc(session);
        TcMetadata md = TcMetadata.parse(flow.metadata().orElse(new byte[0])).orElse(null);
        TcMessage m = TcMessage.decode(bytes);
        if (tc == null || md == null || m == null) {
            counters.increment("tc.malformed");
            return;
        }
        long streamId = md.streamId();
        tc.clientFlow(streamId, flow.flowId());
        if (UserControl.isFlowSync(m)) {
            // §5.2: a barrier between the stream's flows. Red5 merges a stream's flows in arrival
            // order anyway, so nothing is held; the event is the TC layer's and goes no further.
            counters.increment("tc.flow-sync");
            return;
        }
        if (streamId != 0) {
            if (tc.state() == TcSession.State.CONNECTED) {
                application.onMessage(tc, streamId, m);
            } else {
                counters.increment("tc.unassociated-message");
            }
            return;
        }
        if (!m.isCommand()) {
            if (tc.state() == TcSession.State.CONNECTED) {
                application.onMessage(tc, 0, m);
            }
            return;
        }
        String name = TcCommand.peekName(m);
        if ("connect".equals(name)) {
            onConnect(tc, m);
        } else if (tc.state() != TcSession.State.CONNECTED) {
            answer(tc, m, Replies.CALL_FAILED, "not connected: the NetConnection must connect first");
        } else if ("setPeerInfo".equals(name)) {
            onSetPeerInfo(tc, m);
        } else if ("relay".equals(name)) {
            onRelay(tc, m);
        } else {
            application.onMessage(tc, 0, m);
        }
    }

    private void onConnect(TcSession tc, TcMessage m) {
        if (tc.state() != TcSession.State.NEW) {
            answer(tc, m, Replies.CALL_FAILED, "this NetConnection has already sent connect");
            return;
        }
        tc.state(TcSession.State.CONNECTING);
        counters.increment("tc.connect");
        application.onConnect(tc, m);
    }

    /** §5.4: the client's own addresses, kept for Redirects; no address at all is valid too. */
    private void onSetPeerInfo(TcSession tc, TcMessage m) {
        TcCommand c;
        try {
            c = TcCommand.decode(m);
        } catch (TcFormatException e) {
            answer(tc, m, Replies.CALL_BAD_VALUE, "setPeerInfo: " + e.getMessage());
            return;
        }
        peers.setPeerInfo(tc.session(), PeerAddresses.parse(c.arguments()));
        counters.increment("tc.set-peer-info");
        tc.write(0, Replies.result(c.transactionId(), null), loop.now());
    }

    /**
     * Cirrus's server relay: {@code relay(targetPeerId, ...args)} reaches the target as
     * {@code onRelay(senderPeerId, ...args)}; the arguments are copied byte for byte.
     */
    private void onRelay(TcSession tc, TcMessage m) {
        TcCommand c;
        try {
            c = TcCommand.decode(m);
        } catch (TcFormatException e) {
            answer(tc, m, Replies.CALL_BAD_VALUE, "relay: " + e.getMessage());
            return;
        }
        List<Object> args = c.arguments();
        if (args.isEmpty() || !(args.get(0) instanceof String target)) {
            tc.write(0, Replies.callFailed(c.transactionId(), Replies.CALL_BAD_VALUE,
                    "relay: the first argument must be the target's peer ID"), loop.now());
            return;
        }
        TcSession to = connected.get(target.toLowerCase(java.util.Locale.ROOT));
        if (to == null || to.state() != TcSession.State.CONNECTED || !to.session().isOpen()) {
            counters.increment("tc.relay-unknown-target");
            tc.write(0, Replies.callFailed(c.transactionId(), Replies.CALL_FAILED,
                    "relay: peer " + target + " is not connected"), loop.now());
            return;
        }
        long now = loop.now();
        to.write(0, TcCommand.encodeWithRaw(m.type(), "onRelay", 0, java.util.Arrays.asList(null, tc.peerIdHex()),
                c.rawArgumentsFrom(1)), now);
        if (to != tc) {
            loop.flush(to.session());
        }
        counters.increment("tc.relay");
        if (c.transactionId() != 0) {
            tc.write(0, Replies.result(c.transactionId(), null), now);
        }
    }

    /** An {@code _error} for a command, with its transaction ID when it can be read. */
    private void answer(TcSession tc, TcMessage m, String code, String description) {
        double tx = 0;
        try {
            tx = TcCommand.decode(m).transactionId();
        } catch (TcFormatException e) {
            code = Replies.CALL_BAD_VALUE;
            description = description + " (" + e.getMessage() + ")";
        }
        counters.increment("tc.error-answer");
        tc.write(0, Replies.callFailed(tx, code, description), loop.now());
    }

    @Override
    public void onSessionClosed(Session session) {
        TcSession tc = sessions.remove(session);
        if (tc == null) {
            return;
        }
        TcSession.State was = tc.state();
        tc.state(TcSession.State.CLOSED);
        connected.remove(tc.peerIdHex(), tc);
        peers.forget(session);
        if (was != TcSession.State.NEW) {
            application.onClosed(tc);
        }
    }

    private TcSession tc(Session session) {
        return sessions.get(session);
    }
}
