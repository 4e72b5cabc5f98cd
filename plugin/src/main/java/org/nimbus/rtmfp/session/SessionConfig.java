package org.nimbus.rtmfp.session;

/**
 * Limits and timers of the session layer.
 *
 * @param maxSessions      the session table's bound; handshakes beyond it are dropped
 * @param keepaliveMillis  a quiet session is pinged after this long (RFC 7016 §3.5.5)
 * @param idleTimeoutMillis a session that has received nothing for this long is closed and
 *                         everything it held is released
 * @param recvFlowBuffer   bytes each receive flow may buffer (flow control, §3.6.3.5)
 * @param maxRecvFlows     receive flows a session may hold at once; further ones are rejected
 * @param sessionRecvBuffer bytes all receive flows of one session may buffer together; at least
 *                         {@code recvFlowBuffer}
 * @param totalRecvBuffer  bytes the receive flows of all sessions may buffer together; at least
 *                         {@code sessionRecvBuffer}
 */
public record SessionConfig(int maxSessions, long keepaliveMillis, long idleTimeoutMillis, long recvFlowBuffer,
                            int maxRecvFlows, long sessionRecvBuffer, long totalRecvBuffer) {
    /** How long a closed session lingers to answer retransmitted close requests (§3.5.5.2). */
    public static final long CLOSED_LINGER_MILLIS = 19_000;
    /** Interval of our own close request retransmissions while near-close. */
    public static final long CLOSE_RETRANSMIT_MILLIS = 5_000;

    /** Default of {@link #sessionRecvBuffer} (at least the flow buffer, though). */
    public static final long DEFAULT_SESSION_RECV_BUFFER = 4L << 20;
    /** Default of {@link #totalRecvBuffer} (at least the session budget, though). */
    public static final long DEFAULT_TOTAL_RECV_BUFFER = 256L << 20;

    public SessionConfig {
        if (maxSessions < 1 || keepaliveMillis < 100 || idleTimeoutMillis <= keepaliveMillis || recvFlowBuffer < 1200
                || maxRecvFlows < 1 || sessionRecvBuffer < recvFlowBuffer || totalRecvBuffer < sessionRecvBuffer) {
            throw new IllegalArgumentException("bad session config");
        }
    }

    /** With the default receive budgets per session and in all. */
    public SessionConfig(int maxSessions, long keepaliveMillis, long idleTimeoutMillis, long recvFlowBuffer,
                         int maxRecvFlows) {
        this(maxSessions, keepaliveMillis, idleTimeoutMillis, recvFlowBuffer, maxRecvFlows,
                Math.max(DEFAULT_SESSION_RECV_BUFFER, recvFlowBuffer),
                Math.max(DEFAULT_TOTAL_RECV_BUFFER, Math.max(DEFAULT_SESSION_RECV_BUFFER, recvFlowBuffer)));
    }

    public static SessionConfig defaults() {
        return new SessionConfig(10_000, 15_000, 60_000, 1 << 20, 64);
    }
}
