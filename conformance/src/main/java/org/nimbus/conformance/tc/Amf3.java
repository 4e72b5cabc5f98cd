package org.nimbus.conformance.tc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.nimbus.conformance.wire.ByteReader;
import org.nimbus.conformance.wire.ByteWriter;
import org.nimbus.conformance.wire.WireFormatException;

/**
 * The basic AMF3 types (Adobe AMF3 specification): undefined, null, false, true, integer (U29),
 * double and string with its reference table. Enough for AMF3-encoded command arguments.
 */
public final class Amf3 {
    public static final int UNDEFINED = 0x00;
    public static final int NULL = 0x01;
    public static final int FALSE = 0x02;
    public static final int TRUE = 0x03;
    public static final int INTEGER = 0x04;
    public static final int DOUBLE = 0x05;
    public static final int STRING = 0x06;

    private Amf3() {
    }

    /** Reads values sharing one string reference table. */
    public static final class Reader {
        private final ByteReader r;
        private final List<String> strings = new ArrayList<>();

        public Reader(ByteReader r) {
            this.r = r;
        }

        public Object read() {
            int marker = r.u8();
            return switch (marker) {
                case UNDEFINED -> AmfUndefined.INSTANCE;
                case NULL -> null;
                case FALSE -> false;
                case TRUE -> true;
                case INTEGER -> {
                    int v = u29();
                    yield (v & 0x10000000) != 0 ? v - 0x20000000 : v; // 29-bit two's complement
                }
                case DOUBLE -> r.f64();
                case STRING -> string();
                default -> throw new WireFormatException("unsupported AMF3 marker 0x" + Integer.toHexString(marker));
            };
        }

        public String string() {
            int h = u29();
            if ((h & 1) == 0) {
                int i = h >> 1;
                if (i >= strings.size()) {
                    throw new WireFormatException("AMF3 string reference " + i + " out of range");
                }
                return strings.get(i);
            }
            String s = new String(r.bytes(h >> 1), StandardCharsets.UTF_8);
            if (!s.isEmpty()) {
                strings.add(s); // the empty string is never referenced
            }
            return s;
        }

        private int u29() {
            int v = 0;
            for (int i = 0; i < 3; i++) {
                int b = r.u8();
                v = (v << 7) | (b & 0x7f);
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            return (v << 8) | r.u8();
        }
    }

    /** Writes values; strings are always sent inline (references are optional for a writer). */
    public static byte[] encode(Object v) {
        ByteWriter w = new ByteWriter();
        write(w, v);
        return w.toByteArray();
    }

    public static void write(ByteWriter w, Object v) {
        if (v == AmfUndefined.INSTANCE) {
            w.u8(UNDEFINED);
        } else if (v == null) {
            w.u8(NULL);
        } else if (v instanceof Boolean b) {
            w.u8(b ? TRUE : FALSE);
        } else if (v instanceof Integer i && i >= -(1 << 28) && i < (1 << 28)) {
            w.u8(INTEGER);
            u29(w, i & 0x1fffffff);
        } else if (v instanceof Number n) {
            w.u8(DOUBLE).f64(n.doubleValue());
        } else if (v instanceof String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            w.u8(STRING);
            u29(w, (b.length << 1) | 1);
            w.bytes(b);
        } else {
            throw new IllegalArgumentException("no basic AMF3 form for " + v.getClass());
        }
    }

    static void u29(ByteWriter w, int v) {
        if (v < 0x80) {
            w.u8(v);
        } else if (v < 0x4000) {
            w.u8((v >> 7) | 0x80).u8(v & 0x7f);
        } else if (v < 0x200000) {
            w.u8((v >> 14) | 0x80).u8(((v >> 7) & 0x7f) | 0x80).u8(v & 0x7f);
        } else {
            w.u8(((v >> 22) & 0x7f) | 0x80).u8(((v >> 15) & 0x7f) | 0x80).u8(((v >> 8) & 0x7f) | 0x80).u8(v & 0xff);
        }
    }
}
