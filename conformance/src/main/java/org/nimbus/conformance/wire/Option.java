package org.nimbus.conformance.wire;

import java.util.Arrays;

/**
 * RFC 7016 §2.1.3 option: {@code length VLU | type VLU | value}, where length covers type and
 * value. A length of zero is the "marker" that ends an option list.
 */
public record Option(long type, byte[] value) {

    public static Option of(long type, byte[] value) {
        return new Option(type, value.clone());
    }

    /** An option whose value is a single VLU, e.g. a DH group number (RFC 7425 §4.3.3). */
    public static Option vlu(long type, long v) {
        return new Option(type, Vlu.encode(v));
    }

    public byte[] encode() {
        byte[] t = Vlu.encode(type);
        return new ByteWriter().vlu(t.length + value.length).bytes(t).bytes(value).toByteArray();
    }

    /** The value read as one leading VLU (group ids, flow ids in return associations). */
    public long valueAsVlu() {
        return new ByteReader(value).vlu();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Option other && other.type == type && Arrays.equals(other.value, value);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(type) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Option(0x" + Long.toHexString(type) + ", " + Hex.encode(value) + ")";
    }
}
