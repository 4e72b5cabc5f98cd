package org.nimbus.rtmfp.flow;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One chunk the flow layer wants in an outgoing packet: RFC 7016 §2.3 {@code type(1)
 * length(2) payload}. The packet layer frames it; the flow layer only counts its size so a
 * packet budget given in bytes is honoured exactly.
 */
public record FlowChunk(int type, byte[] payload) {
    /** RFC 7016 §2.3.11 User Data. */
    public static final int USER_DATA = 0x10;
    /** RFC 7016 §2.3.12 Next User Data. */
    public static final int NEXT_USER_DATA = 0x11;
    /** RFC 7016 §2.3.13 Data Acknowledgement Bitmap. */
    public static final int ACK_BITMAP = 0x50;
    /** RFC 7016 §2.3.14 Data Acknowledgement Ranges. */
    public static final int ACK_RANGES = 0x51;
    /** RFC 7016 §2.3.15 Buffer Probe. */
    public static final int BUFFER_PROBE = 0x18;
    /** RFC 7016 §2.3.16 Flow Exception Report. */
    public static final int FLOW_EXCEPTION = 0x5e;

    /** Chunk type byte plus 16-bit length. */
    public static final int HEADER_SIZE = 3;

    public FlowChunk {
        if (payload.length > 0xffff) {
            throw new IllegalArgumentException("chunk payload too long: " + payload.length);
        }
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** Bytes this chunk takes in a packet, header included. */
    public int encodedSize() {
        return HEADER_SIZE + payload.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowChunk c && c.type == type && Arrays.equals(c.payload, payload);
    }

    @Override
    public int hashCode() {
        return type * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "FlowChunk[" + Integer.toHexString(type) + " " + HexFormat.of().formatHex(payload) + "]";
    }
}
