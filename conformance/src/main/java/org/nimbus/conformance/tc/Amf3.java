package org.nimbus.conformance.tc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.nimbus.conformance.wire.ByteReader;
import org.nimbus.conformance.wire.ByteWriter;
import org.nimbus.conformance.wire.WireFormatException;

/**
 * AMF3 (Adobe AMF3 specification): undefined, null, booleans, integer (U29), double, string,
 * XML, date, byte array, array and object with their reference tables (externalizable objects
 * excepted). Writes the basic types, anonymous dynamic objects and dense arrays.
 */
public final class Amf3 {
    public static final int UNDEFINED = 0x00;
    public static final int NULL = 0x01;
    public static final int FALSE = 0x02;
    public static final int TRUE = 0x03;
    public static final int INTEGER = 0x04;
    public static final int DOUBLE = 0x05;
    public static final int STRING = 0x06;
    public static final int XML_DOC = 0x07;
    public static final int DATE = 0x08;
    public static final int ARRAY = 0x09;
    public static final int OBJECT = 0x0a;
    public static final int XML = 0x0b;
    public static final int BYTE_ARRAY = 0x0c;

    private Amf3() {
    }

    /** Reads values sharing one string reference table. */
    public static final class Reader {
        private final ByteReader r;
        private final List<String> strings = new ArrayList<>();
        private final List<Object> objects = new ArrayList<>();
        private final List<Traits> traits = new ArrayList<>();

        private record Traits(String className, boolean dynamic, List<String> sealed) {
        }

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
                case XML_DOC, XML -> {
                    int h = u29();
                    yield (h & 1) == 0 ? reference(h) : remember(new String(r.bytes(h >> 1), StandardCharsets.UTF_8));
                }
                case DATE -> {
                    int h = u29();
                    yield (h & 1) == 0 ? reference(h) : remember(new AmfDate(r.f64(), (short) 0));
                }
                case BYTE_ARRAY -> {
                    int h = u29();
                    yield (h & 1) == 0 ? reference(h) : remember(r.bytes(h >> 1));
                }
                case ARRAY -> array();
                case OBJECT -> object();
                default -> throw new WireFormatException("unsupported AMF3 marker 0x" + Integer.toHexString(marker));
            };
        }

        private Object reference(int h) {
            int i = h >> 1;
            if (i >= objects.size()) {
                throw new WireFormatException("AMF3 object reference " + i + " out of range");
            }
            return objects.get(i);
        }

        private Object remember(Object o) {
            objects.add(o);
            return o;
        }

        /** AMF3 §3.11: dense part, optionally preceded by associative pairs (then an ECMA-style object). */
        private Object array() {
            int h = u29();
            if ((h & 1) == 0) {
                return reference(h);
            }
            int dense = h >> 1;
            AmfEcmaArray assoc = new AmfEcmaArray();
            List<Object> list = new ArrayList<>();
            int index = objects.size();
            objects.add(list);
            for (String key = string(); !key.isEmpty(); key = string()) {
                assoc.put(key, read());
            }
            for (int i = 0; i < dense; i++) {
                list.add(read());
            }
            if (assoc.isEmpty()) {
                return list;
            }
            for (int i = 0; i < list.size(); i++) {
                assoc.put(Integer.toString(i), list.get(i));
            }
            objects.set(index, assoc);
            return assoc;
        }

        /** AMF3 §3.12: traits (inline or by reference), sealed members, then dynamic members. */
        private Object object() {
            int h = u29();
            if ((h & 1) == 0) {
                return reference(h);
            }
            Traits t;
            if ((h & 2) == 0) {
                int i = h >> 2;
                if (i >= traits.size()) {
                    throw new WireFormatException("AMF3 traits reference " + i + " out of range");
                }
                t = traits.get(i);
            } else {
                if ((h & 4) != 0) {
                    throw new WireFormatException("AMF3 externalizable objects are not supported");
                }
                String className = string();
                List<String> sealed = new ArrayList<>();
                for (int i = 0; i < h >> 4; i++) {
                    sealed.add(string());
                }
                t = new Traits(className, (h & 8) != 0, sealed);
                traits.add(t);
            }
            AmfObject o = t.className().isEmpty() ? new AmfObject() : new AmfObject(t.className());
            objects.add(o);
            for (String name : t.sealed()) {
                o.put(name, read());
            }
            if (t.dynamic()) {
                for (String key = string(); !key.isEmpty(); key = string()) {
                    o.put(key, read());
                }
            }
            return o;
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
        } else if (v instanceof java.util.Map<?, ?> m) {
            // a dynamic anonymous object, no sealed members (AMF3 §3.12): 0x0b = inline, traits inline, dynamic
            w.u8(OBJECT);
            u29(w, 0x0b);
            w.u8(0x01); // class name: the empty string
            for (java.util.Map.Entry<?, ?> e : m.entrySet()) {
                byte[] k = e.getKey().toString().getBytes(StandardCharsets.UTF_8);
                u29(w, (k.length << 1) | 1);
                w.bytes(k);
                write(w, e.getValue());
            }
            w.u8(0x01);
        } else if (v instanceof List<?> l) {
            w.u8(ARRAY);
            u29(w, (l.size() << 1) | 1);
            w.u8(0x01); // no associative part
            for (Object e : l) {
                write(w, e);
            }
        } else {
            throw new IllegalArgumentException("no AMF3 form for " + v.getClass());
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
