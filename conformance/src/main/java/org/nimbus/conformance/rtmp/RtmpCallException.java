package org.nimbus.conformance.rtmp;

import java.io.IOException;

/** A command the server answered with something other than success (Adobe RTMP specification 1.0, §7.2). */
public final class RtmpCallException extends IOException {
    public RtmpCallException(String message) {
        super(message);
    }
}
