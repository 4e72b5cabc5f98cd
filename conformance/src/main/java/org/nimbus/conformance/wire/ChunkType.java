package org.nimbus.conformance.wire;

/** Chunk type codes of RFC 7016 §2.3 (and the padding byte of §2.3.1). */
public final class ChunkType {
    public static final int PING = 0x01;
    public static final int FORWARDED_IHELLO = 0x0f;
    public static final int SESSION_CLOSE = 0x0c;
    public static final int USER_DATA = 0x10;
    public static final int NEXT_USER_DATA = 0x11;
    public static final int BUFFER_PROBE = 0x18;
    public static final int IHELLO = 0x30;
    public static final int IIKEYING = 0x38;
    public static final int PING_REPLY = 0x41;
    public static final int SESSION_CLOSE_ACK = 0x4c;
    public static final int BITMAP_ACK = 0x50;
    public static final int RANGE_ACK = 0x51;
    public static final int FLOW_EXCEPTION = 0x5e;
    public static final int RHELLO = 0x70;
    public static final int REDIRECT = 0x71;
    public static final int RIKEYING = 0x78;
    public static final int COOKIE_CHANGE = 0x79;
    /** §2.3.1: a chunk type byte of 0xff starts the padding that fills the rest of the packet. */
    public static final int PADDING = 0xff;

    private ChunkType() {
    }
}
