package org.nimbus.rtmfp.packet;

import java.nio.ByteBuffer;

/**
 * Variable Length Unsigned integer, RFC 7016 §2.1.2: big-endian groups of 7 bits, the high bit
 * of each byte set when another byte follows. Values are limited to 63 bits (a Java long); a
 * longer encoding is malformed input, not an overflow.
 */
public final class Vlu {
    /** 9 bytes carry 63 bits; anything longer cannot be a value we accept. */
    public static final int MAX_BYTES = 9;

    private Vlu() {
    }

    public static long read(ByteBuffer in) throws MalformedException {
        long value = 0;
        for (int i = 0; i < MAX_BYTES; i++) {
            if (!in.hasRemaining()) {
                throw new MalformedException("truncated VLU");
            }
            int b = in.get() & 0xff;
            value = (value << 7) | (b & 0x7f);
            if ((b & 0x80) == 0) {
                if (value < 0) {
                    throw new MalformedException("VLU exceeds 63 bits");
                }
                return value;
            }
        }
        throw new MalformedException("VLU longer than " + MAX_BYTES + " bytes");
    }

    /** Reads a VLU that must fit an int (lengths, flow IDs used as sizes). */
    public static int readInt(ByteBuffer in) throws MalformedException {
        long v = read(in);
        if (v > Integer.MAX_VALUE) {
            throw new MalformedException("VLU too large: " + v);
        }
        return (int) v;
    }

    public static int size(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative VLU " + value);
        }
        int n = 1;
        while ((value >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    public static void write(ByteBuffer out, long value) {
        int n = size(value);
        for (int i = n - 1; i >= 0; i--) {
            int group = (int) ((value >>> (7 * i)) & 0x7f);
            out.put((byte) (i == 0 ? group : group | 0x80));
        }
    }

    public static byte[] encode(long value) {
        ByteBuffer b = ByteBuffer.allocate(size(value));
        write(b, value);
        return b.array();
    }
}
