package org.nimbus.conformance.rtmp;

import java.io.IOException;

/** Bytes that break the RTMP chunk stream or handshake rules (Adobe RTMP specification 1.0). */
public final class RtmpProtocolException extends IOException {
    public RtmpProtocolException(String message) {
        super(message);
    }
}
