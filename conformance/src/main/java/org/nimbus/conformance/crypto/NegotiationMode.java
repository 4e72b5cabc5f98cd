package org.nimbus.conformance.crypto;

import static org.nimbus.conformance.crypto.ProfileOptions.*;

/**
 * How the client states HMAC or SSN use in its SKIC (RFC 7425 §4.6): no option at all, offered
 * ("will send on request", 0x02, librtmfp's default), required (0x01, request), or the
 * reference tools' "send always, on request, and require" (0x07).
 */
public enum NegotiationMode {
    NOT_OFFERED(-1), OFFERED(NEGOTIATE_SEND_ON_REQUEST), REQUIRED(NEGOTIATE_REQUEST),
    ALWAYS(NEGOTIATE_SEND_ALWAYS | NEGOTIATE_SEND_ON_REQUEST | NEGOTIATE_REQUEST);

    /** The flags byte, or -1 when the option is left out. */
    public final int flags;

    NegotiationMode(int flags) {
        this.flags = flags;
    }

    public boolean sendsAlways() {
        return flags > 0 && (flags & NEGOTIATE_SEND_ALWAYS) != 0;
    }

    public boolean requires() {
        return flags > 0 && (flags & NEGOTIATE_REQUEST) != 0;
    }
}
