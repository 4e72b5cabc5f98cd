package org.nimbus.conformance.wire;

import java.util.Arrays;

/** RFC 7016 §2.3.1 chunk: {@code type(1) | length(2) | payload}. */
public record Chunk(int type, byte[] payload) {

    public Chunk {
        if (type < 0 || type > 0xff || payload.length > 0xffff) {
            throw new IllegalArgumentException("bad chunk type or length");
        }
    }

    public byte[] encode() {
        return new ByteWriter().u8(type).u16(payload.length).bytes(payload).toByteArray();
    }

    public int encodedLength() {
        return 3 + payload.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Chunk c && c.type == type && Arrays.equals(c.payload, payload);
    }

    @Override
    public int hashCode() {
        return type * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return String.format("Chunk(0x%02x, %s)", type, Hex.encode(payload));
    }
}
