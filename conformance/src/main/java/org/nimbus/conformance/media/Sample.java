package org.nimbus.conformance.media;

import java.util.Arrays;

/** One audio (0x08), video (0x09) or data (0x12) message of a stream: its type, timestamp and body (RTMP/FLV layout). */
public record Sample(int type, long timestamp, byte[] body) {
    public static final int AUDIO = 0x08;
    public static final int VIDEO = 0x09;

    /** An AVC or AAC sequence header (decoder configuration): packet type 0 after the codec byte. */
    public boolean isConfig() {
        return (type == AUDIO || type == VIDEO) && body.length > 1 && body[1] == 0;
    }

    /** A video key frame (FLV frame type 1 in the high nibble). */
    public boolean isKeyFrame() {
        return type == VIDEO && body.length > 0 && (body[0] & 0xf0) >> 4 == 1;
    }

    public boolean sameBody(byte[] other) {
        return Arrays.equals(body, other);
    }
}
