package org.nimbus.it.rtmp;

import java.util.Map;

/** The server answered a call (or the connect) with {@code _error}; {@link #info()} is its error object. */
public final class RtmpCallException extends Exception {
    private final transient Object info;

    RtmpCallException(String method, Object info) {
        super(method + " failed: " + info);
        this.info = info;
    }

    public Object info() {
        return info;
    }

    /** The error object's {@code code} (such as NetConnection.Connect.Rejected), or null. */
    public String code() {
        return info instanceof Map<?, ?> m && m.get("code") instanceof String s ? s : null;
    }
}
