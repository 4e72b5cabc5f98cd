package org.nimbus.rtmfp.packet;

/**
 * Input that does not follow the RTMFP wire format. The protocol's answer to malformed input
 * is a silent drop, so callers catch this at the packet boundary and count it; it carries no
 * stack trace because a flood of bad datagrams must stay cheap.
 */
public final class MalformedException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedException(String message) {
        super(message, null, false, false);
    }
}
