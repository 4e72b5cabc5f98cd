package org.nimbus.conformance.tc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nimbus.conformance.wire.ByteReader;
import org.nimbus.conformance.wire.ByteWriter;
import org.nimbus.conformance.wire.WireFormatException;

/**
 * A small AMF0 codec (Adobe AMF0 specification) for TC commands (RFC 7425 §5). Java mapping:
 * Double, Boolean, String, null, {@link AmfUndefined}, {@link AmfObject}, {@link AmfEcmaArray},
 * List (strict array), {@link AmfDate}; an AVM+ switch (0x11) reads one AMF3 value.
 */
public final class Amf0 {
    public static final int NUMBER = 0x00;
    public static final int BOOLEAN = 0x01;
    public static final int STRING = 0x02;
    public static final int OBJECT = 0x03;
    public static final int NULL = 0x05;
    public static final int UNDEFINED = 0x06;
    public static final int REFERENCE = 0x07;
    public static final int ECMA_ARRAY = 0x08;
    public static final int OBJECT_END = 0x09;
    public static final int STRICT_ARRAY = 0x0a;
    public static final int DATE = 0x0b;
    public static final int LONG_STRING = 0x0c;
    public static final int XML_DOCUMENT = 0x0f;
    public static final int TYPED_OBJECT = 0x10;
    public static final int AVMPLUS = 0x11;

    private Amf0() {
    }

    /** All values until the end of the bytes. */
    public static List<Object> decodeAll(byte[] body) {
        ByteReader r = new ByteReader(body);
        List<Object> out = new ArrayList<>();
        List<Object> refs = new ArrayList<>();
        while (r.hasRemaining()) {
            out.add(read(r, refs));
        }
        return out;
    }

    public static Object read(ByteReader r, List<Object> refs) {
        int marker = r.u8();
        switch (marker) {
            case NUMBER:
                return r.f64();
            case BOOLEAN:
                return r.u8() != 0;
            case STRING:
                return utf8(r, r.u16());
            case LONG_STRING:
            case XML_DOCUMENT:
                return utf8(r, (int) r.u32());
            case NULL:
                return null;
            case UNDEFINED:
                return AmfUndefined.INSTANCE;
            case OBJECT:
                return readProperties(r, refs, new AmfObject());
            case TYPED_OBJECT:
                return readProperties(r, refs, new AmfObject(utf8(r, r.u16())));
            case ECMA_ARRAY:
                r.u32(); // count hint; the list ends with the end marker as for objects
                return readProperties(r, refs, new AmfEcmaArray());
            case STRICT_ARRAY: {
                long n = r.u32();
                List<Object> list = new ArrayList<>();
                refs.add(list);
                for (long i = 0; i < n; i++) {
                    list.add(read(r, refs));
                }
                return list;
            }
            case DATE:
                return new AmfDate(r.f64(), (short) r.u16());
            case REFERENCE: {
                int i = r.u16();
                if (i >= refs.size()) {
                    throw new WireFormatException("AMF0 reference " + i + " out of range");
                }
                return refs.get(i);
            }
            case AVMPLUS:
                return new Amf3.Reader(r).read();
            default:
                throw new WireFormatException("unsupported AMF0 marker 0x" + Integer.toHexString(marker));
        }
    }

    private static AmfObject readProperties(ByteReader r, List<Object> refs, AmfObject o) {
        refs.add(o);
        while (true) {
            String key = utf8(r, r.u16());
            if (key.isEmpty() && r.peek() == OBJECT_END) {
                r.u8();
                return o;
            }
            o.put(key, read(r, refs));
        }
    }

    private static String utf8(ByteReader r, int n) {
        return new String(r.bytes(n), StandardCharsets.UTF_8);
    }

    public static byte[] encode(Object... values) {
        return encodeAll(java.util.Arrays.asList(values));
    }

    public static byte[] encodeAll(List<?> values) {
        ByteWriter w = new ByteWriter();
        for (Object v : values) {
            write(w, v);
        }
        return w.toByteArray();
    }

    public static void write(ByteWriter w, Object v) {
        if (v == null) {
            w.u8(NULL);
        } else if (v == AmfUndefined.INSTANCE) {
            w.u8(UNDEFINED);
        } else if (v instanceof Number n) {
            w.u8(NUMBER).f64(n.doubleValue());
        } else if (v instanceof Boolean b) {
            w.u8(BOOLEAN).u8(b ? 1 : 0);
        } else if (v instanceof String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length > 0xffff) {
                w.u8(LONG_STRING).u32(b.length).bytes(b);
            } else {
                w.u8(STRING).u16(b.length).bytes(b);
            }
        } else if (v instanceof AvmPlus p) {
            w.u8(AVMPLUS);
            Amf3.write(w, p.value());
        } else if (v instanceof AmfEcmaArray a) {
            w.u8(ECMA_ARRAY).u32(a.size());
            writeProperties(w, a);
        } else if (v instanceof AmfObject o && o.className() != null) {
            byte[] cn = o.className().getBytes(StandardCharsets.UTF_8);
            w.u8(TYPED_OBJECT).u16(cn.length).bytes(cn);
            writeProperties(w, o);
        } else if (v instanceof Map<?, ?> m) {
            w.u8(OBJECT);
            writeProperties(w, m);
        } else if (v instanceof List<?> l) {
            w.u8(STRICT_ARRAY).u32(l.size());
            l.forEach(e -> write(w, e));
        } else if (v instanceof AmfDate d) {
            w.u8(DATE).f64(d.millis()).u16(d.timeZone());
        } else {
            throw new IllegalArgumentException("no AMF0 form for " + v.getClass());
        }
    }

    private static void writeProperties(ByteWriter w, Map<?, ?> m) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
            byte[] k = e.getKey().toString().getBytes(StandardCharsets.UTF_8);
            w.u16(k.length).bytes(k);
            write(w, e.getValue());
        }
        w.u16(0).u8(OBJECT_END);
    }
}
