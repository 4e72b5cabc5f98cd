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
 */
public record SessionConfig(int maxSessions, long keepaliveMillis, long idleTimeoutMillis, long recvFlowBuffer,
                            int maxRecvFlows) {
    /** How long a closed session lingers to answer retransmitted close requests (§3.5.5.2). */
    public static final long CLOSED_LINGER_MILLIS = 19_000;
    /** Interval of our own close request retransmissions while near-close. */
    public static final long CLOSE_RETRANSMIT_MILLIS = 5_000;

    public SessionConfig {
        if (maxSessions < 1 || keepaliveMillis < 100 || idleTimeoutMillis <= keepaliveMillis || recvFlowBuffer < 1200
                || maxRecvFlows < 1) {
            throw new IllegalArgumentException("bad session config");
        }
    }

    public static SessionConfig defaults() {
        return new SessionConfig(10_000, 15_000, 60_000, 1 << 20, 64);
    }
}
