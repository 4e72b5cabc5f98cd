package org.nimbus.conformance.wire;

import java.util.Arrays;

/** A bounds-checked cursor over received bytes; every overrun is a {@link WireFormatException}. */
public final class ByteReader {
    private final byte[] buf;
    private final int limit;
    private int pos;

    public ByteReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public ByteReader(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
    }

    public int position() {
        return pos;
    }

    public int remaining() {
        return limit - pos;
    }

    public boolean hasRemaining() {
        return pos < limit;
    }

    private void need(int n) {
        if (n < 0 || remaining() < n) {
            throw new WireFormatException("truncated: need " + n + " bytes, have " + remaining());
        }
    }

    public int peek() {
        need(1);
        return buf[pos] & 0xff;
    }

    public int u8() {
        need(1);
        return buf[pos++] & 0xff;
    }

    public int u16() {
        need(2);
        int v = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    public long u32() {
        need(4);
        long v = ((long) (buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16)
                | ((buf[pos + 2] & 0xff) << 8) | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    public int s32() {
        return (int) u32();
    }

    public double f64() {
        need(8);
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | (buf[pos + i] & 0xff);
        }
        pos += 8;
        return Double.longBitsToDouble(bits);
    }

    /** RFC 7016 §2.1.2 variable length unsigned integer. */
    public long vlu() {
        return Vlu.read(this);
    }

    /** A VLU that is used as a length or count of bytes here. */
    public int vluLength() {
        long v = vlu();
        if (v > remaining()) {
            throw new WireFormatException("length " + v + " exceeds the " + remaining() + " bytes left");
        }
        return (int) v;
    }

    public byte[] bytes(int n) {
        need(n);
        byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return out;
    }

    public byte[] rest() {
        return bytes(remaining());
    }

    public void skip(int n) {
        need(n);
        pos += n;
    }
}
