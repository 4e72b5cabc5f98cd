package org.nimbus.rtmfp.session;

import org.nimbus.rtmfp.flow.FlowStart;
import org.nimbus.rtmfp.flow.RecvFlow;

/**
 * What the layer above sessions (RFC 7425's TC layer, group and registry services) hears from
 * the session layer. Called on the thread that drives the endpoint, which is also the only
 * thread allowed to call back into sessions.
 */
public interface SessionListener {
    default void onSessionOpened(Session session) {
    }

    /**
     * A peer started a flow. Return 0 to accept it, or a non-zero flow exception code to reject
     * it (RFC 7016 §3.6.3.2).
     */
    default long onFlowStarting(Session session, FlowStart start) {
        return 0;
    }

    default void onMessage(Session session, RecvFlow flow, byte[] message) {
    }

    /** A receive flow ended normally (its final fragment and all before it arrived). */
    default void onRecvFlowComplete(Session session, RecvFlow flow) {
    }

    /** The session is gone: closed by either side, timed out, or released. Fires once. */
    default void onSessionClosed(Session session) {
    }

    SessionListener NONE = new SessionListener() {
    };
}
