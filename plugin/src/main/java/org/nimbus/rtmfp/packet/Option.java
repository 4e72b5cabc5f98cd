package org.nimbus.rtmfp.packet;

import java.util.Arrays;
import java.util.HexFormat;

/** One entry of an RFC 7016 §2.1.3 option list: a type and an opaque value. */
public record Option(long type, byte[] value) {

    public Option {
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** Encoded size: length VLU + type VLU + value. */
    public int encodedSize() {
        int body = Vlu.size(type) + value.length;
        return Vlu.size(body) + body;
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
        return "Option[" + Long.toHexString(type) + "=" + HexFormat.of().formatHex(value) + "]";
    }
}
