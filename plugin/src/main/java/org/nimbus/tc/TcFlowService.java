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

    /**
     * The connectivity check (conncheck package): a NetConnection whose connect path is
     * {@value #CONNCHECK_PATH} is answered by the TC layer, not the application, and its
     * {@code setPeerInfo} starts the check. Loop thread only.
     */
    public interface ConnCheck {
        /** Null when this server can run checks; else why not (the connect's refusal). */
        String unavailable();

        /** A conncheck NetConnection is connected; its setPeerInfo is awaited. */
        void connected(TcSession session, long now);

        /** Starts the check of a connected conncheck NetConnection (its setPeerInfo addresses). */
        void start(TcSession session, List<java.net.InetSocketAddress> reported, long now);

        /** The session closed: its check, if any, is dropped. */
        void closed(Session session);
    }

    /** The connect path (the app, without query) that asks for a connectivity check. */
    public static final String CONNCHECK_PATH = "conncheck";

    private final TcApplication application;
    private volatile ConnCheck connCheck;
    /** Sessions connected for a connectivity check. Loop only. */
    private final java.util.Set<Session> connChecking = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
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

    /** Installs the connectivity check; without one a conncheck connect is refused as unavailable. */
    public void connCheck(ConnCheck check) {
        this.connCheck = check;
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
        TcCommand c = null;
        try {
            c = TcCommand.decode(m);
        } catch (TcFormatException e) {
            // the application refuses what does not decode, with its own words
        }
        if (c != null && isConnCheck(c)) {
            onConnCheckConnect(tc, c);
            return;
        }
        application.onConnect(tc, m);
    }

    private static boolean isConnCheck(TcCommand c) {
        if (c.values().isEmpty() || !(c.values().get(0) instanceof Map<?, ?> object) || !(object.get("app") instanceof String app)) {
            return false;
        }
        int q = app.indexOf('?');
        String path = (q < 0 ? app : app.substring(0, q)).replaceAll("^/+|/+$", "");
        return path.equalsIgnoreCase(CONNCHECK_PATH);
    }

    /**
     * A connectivity check's connect, answered here: success with the client's public address
     * (as the reference conncheck does), or a refusal when this server has no probe sockets.
     */
    private void onConnCheckConnect(TcSession tc, TcCommand c) {
        ConnCheck check = connCheck;
        String unavailable = check == null ? "this server runs no connectivity check" : check.unavailable();
        long now = loop.now();
        if (unavailable != null) {
            counters.increment("conncheck.refused");
            tc.reject(c.transactionId(), Replies.info("error", Replies.CONNECT_REJECTED, unavailable), now);
            return;
        }
        Object encoding = ((Map<?, ?>) c.values().get(0)).get("objectEncoding");
        Map<String, Object> info = Replies.connectSuccess(encoding instanceof Number n ? n.intValue() : 0,
                tc.peerIdHex(), serverFingerprintHex);
        info.put("description", "Connected for a connectivity check: call setPeerInfo to start it.");
        info.put("publicAddress", PeerAddresses.format(tc.session().address()));
        connChecking.add(tc.session());
        counters.increment("conncheck.connect");
        tc.accept(c.transactionId(), info, serverKeepaliveMillis, peerKeepaliveMillis, now);
        check.connected(tc, now);
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
        List<java.net.InetSocketAddress> addresses = PeerAddresses.parse(c.arguments());
        peers.setPeerInfo(tc.session(), addresses);
        counters.increment("tc.set-peer-info");
        tc.write(0, Replies.result(c.transactionId(), null), loop.now());
        ConnCheck check = connCheck;
        if (check != null && connChecking.contains(tc.session())) {
            check.start(tc, addresses, loop.now()); // RFC 7425 §5.3.3: the check starts here
        }
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
        if (connChecking.remove(session) && connCheck != null) {
            connCheck.closed(session);
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
