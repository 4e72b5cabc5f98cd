package org.nimbus.conformance.wire;

/**
 * RFC 7016 §2.1.2: variable length unsigned integer, 7 bits per byte, most significant group
 * first, high bit set on every byte but the last.
 */
public final class Vlu {
    private Vlu() {
    }

    public static byte[] encode(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("VLU is unsigned: " + value);
        }
        int n = size(value);
        byte[] out = new byte[n];
        for (int i = n - 1; i >= 0; i--) {
            out[i] = (byte) ((value & 0x7f) | (i == n - 1 ? 0 : 0x80));
            value >>>= 7;
        }
        return out;
    }

    public static int size(long value) {
        int n = 1;
        while ((value >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    public static long read(ByteReader r) {
        long v = 0;
        for (int i = 0; ; i++) {
            if (i >= 9) {
                throw new WireFormatException("VLU longer than 63 bits");
            }
            int b = r.u8();
            v = (v << 7) | (b & 0x7f);
            if ((b & 0x80) == 0) {
                return v;
            }
        }
    }
}
