package org.nimbus.tc;

/**
 * What hosts NetConnections: the Red5 bridge in the plugin. Called on the RTMFP loop thread,
 * so an implementation hands the work to its own threads and never blocks; it answers through
 * {@link TcFlowService#post}.
 */
public interface TcApplication {
    /** A {@code connect} command (undecoded) on the session's NetConnection flow. */
    void onConnect(TcSession session, TcMessage connect);

    /** Any other message of a connected NetConnection: stream 0 commands, or a NetStream's messages. */
    void onMessage(TcSession session, long streamId, TcMessage message);

    /** The RTMFP session ended; the NetConnection is gone. Fires once per session that called onConnect. */
    void onClosed(TcSession session);
}
