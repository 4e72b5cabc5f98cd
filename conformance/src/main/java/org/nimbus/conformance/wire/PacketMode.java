package org.nimbus.conformance.wire;

/** RFC 7016 §2.2.4 packet header mode, the low two bits of the flags byte. */
public enum PacketMode {
    FORBIDDEN(0), INITIATOR(1), RESPONDER(2), STARTUP(3);

    public final int bits;

    PacketMode(int bits) {
        this.bits = bits;
    }

    public static PacketMode of(int flags) {
        return values()[flags & 0x03];
    }
}
