package org.nimbus.registry;

/** The error codes of the registry protocol, as listed in docs/registry-protocol.md. */
public final class ErrorCodes {
    public static final String BAD_JSON = "bad-json";
    public static final String BAD_REQUEST = "bad-request";
    public static final String BAD_VERSION = "bad-version";
    public static final String UNKNOWN_OP = "unknown-op";
    public static final String NOT_AUTHENTICATED = "not-authenticated";
    public static final String ALREADY_AUTHENTICATED = "already-authenticated";
    public static final String BAD_TOKEN = "bad-token";
    public static final String TOKEN_EXPIRED = "token-expired";
    public static final String BAD_NAME = "bad-name";
    public static final String BAD_PEER_ID = "bad-peer-id";
    public static final String NOT_REGISTERED = "not-registered";
    public static final String UNKNOWN_USER = "unknown-user";
    public static final String RATE_LIMITED = "rate-limited";
    public static final String NOT_IN_CONVERSATION = "not-in-conversation";
    public static final String TOO_LONG = "too-long";
    public static final String TOO_MANY_SUBSCRIPTIONS = "too-many-subscriptions";
    public static final String TOO_MANY_CONNECTIONS = "too-many-connections";
    public static final String SERVER_FULL = "server-full";
    public static final String FRAME_TOO_LARGE = "frame-too-large";
    public static final String FRAME_TIMEOUT = "frame-timeout";
    public static final String IDLE = "idle";
    public static final String TEXT_FRAME = "text-frame";
    public static final String CLOSED = "closed";
    /** The shared registry (cluster.redis) cannot be reached: what needs other nodes is refused until it returns. */
    public static final String CLUSTER_UNAVAILABLE = "cluster-unavailable";

    private ErrorCodes() {
    }
}
