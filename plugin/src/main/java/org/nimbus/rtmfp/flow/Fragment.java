package org.nimbus.rtmfp.flow;

/**
 * The fragment control field of a User Data chunk, RFC 7016 §2.3.11 (flag bits 0x30): where a
 * fragment sits in its message.
 */
public enum Fragment {
    WHOLE(0x00),
    BEGIN(0x10),
    END(0x20),
    MIDDLE(0x30);

    static final int MASK = 0x30;

    private final int bits;

    Fragment(int bits) {
        this.bits = bits;
    }

    public int bits() {
        return bits;
    }

    static Fragment fromFlags(int flags) {
        return switch (flags & MASK) {
            case 0x00 -> WHOLE;
            case 0x10 -> BEGIN;
            case 0x20 -> END;
            default -> MIDDLE;
        };
    }

    /** True when this fragment starts a message (nothing before it belongs to the same one). */
    boolean starts() {
        return this == WHOLE || this == BEGIN;
    }

    /** True when this fragment ends a message. */
    boolean ends() {
        return this == WHOLE || this == END;
    }
}
