package org.nimbus.conformance.wire;

import java.io.ByteArrayOutputStream;

/** Builds outgoing byte strings in network order. */
public final class ByteWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public ByteWriter u8(int v) {
        out.write(v & 0xff);
        return this;
    }

    public ByteWriter u16(int v) {
        out.write((v >> 8) & 0xff);
        out.write(v & 0xff);
        return this;
    }

    public ByteWriter u32(long v) {
        out.write((int) (v >> 24) & 0xff);
        out.write((int) (v >> 16) & 0xff);
        out.write((int) (v >> 8) & 0xff);
        out.write((int) v & 0xff);
        return this;
    }

    public ByteWriter f64(double d) {
        long bits = Double.doubleToRawLongBits(d);
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (bits >> shift) & 0xff);
        }
        return this;
    }

    public ByteWriter vlu(long v) {
        out.writeBytes(Vlu.encode(v));
        return this;
    }

    public ByteWriter bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    /** A VLU length followed by the bytes, the usual RFC 7016 "xxxLength + xxx" pair. */
    public ByteWriter vluPrefixed(byte[] b) {
        return vlu(b.length).bytes(b);
    }

    public int size() {
        return out.size();
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
