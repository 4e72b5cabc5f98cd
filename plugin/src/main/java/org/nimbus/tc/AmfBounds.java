package org.nimbus.tc;

/**
 * Checks that AMF bytes from the network declare nothing they do not hold, before Red5's codec
 * (red5-io) reads them: that codec sizes its collections from the declared counts (an AMF0 strict
 * array of 2^31 - 1 elements in a 64-byte command allocated 738 MB, RELIABILITY.md "Defects
 * found"), and it recurses once per nesting level. So every count and length must fit in the bytes
 * left (each element takes at least one byte), nesting is at most {@link #MAX_DEPTH} deep, and
 * every reference points at a value already read. The walk follows the value grammars of the
 * AMF0 specification (§2) and the AMF3 specification (§3), AMF3 entered with marker 0x11 (AMF0
 * §3.1). Commands (TcCommand) and data messages (red5.RtmfpConnection) pass through it; it allocates
 * nothing but a table of the AMF3 traits it read.
 */
public final class AmfBounds {
    /** Deeper than any command or metadata a client sends (connect parameters nest two levels). */
    static final int MAX_DEPTH = 32;

    private final byte[] b;
    private int p;
    private int amf0Complex;
    private int amf3Strings;
    private int amf3Objects;
    /** Each traits read: sealed member count << 1 | dynamic; at most one per input byte. */
    private int[] amf3Traits = new int[4];
    private int amf3TraitCount;

    private AmfBounds(byte[] b, int start) {
        this.b = b;
        this.p = start;
    }

    /** Walks the AMF0 values (0x11 switching to AMF3) from {@code start} to the end of {@code body}. */
    public static void check(byte[] body, int start) {
        AmfBounds w = new AmfBounds(body, start);
        while (w.p < body.length) {
            w.amf0(0);
        }
    }

    private TcFormatException bad(String why) {
        return new TcFormatException("AMF does not decode at byte " + p + ": " + why);
    }

    private int u8() {
        need(1);
        return b[p++] & 0xff;
    }

    private int u16() {
        need(2);
        int v = (b[p] & 0xff) << 8 | (b[p + 1] & 0xff);
        p += 2;
        return v;
    }

    private long u32() {
        need(4);
        long v = (b[p] & 0xffL) << 24 | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | (b[p + 3] & 0xff);
        p += 4;
        return v;
    }

    private void need(long n) {
        if (n > b.length - p) {
            throw bad("declares " + n + " bytes, " + (b.length - p) + " left");
        }
    }

    private void skip(long n) {
        need(n);
        p += (int) n;
    }

    /** A count of elements, each at least {@code minBytes} long, that must fit in what is left. */
    private int count(long n, int minBytes) {
        if (n * minBytes > b.length - p) {
            throw bad("count " + n + " exceeds the " + (b.length - p) + " bytes left");
        }
        return (int) n;
    }

    private void depth(int d) {
        if (d > MAX_DEPTH) {
            throw bad("nesting deeper than " + MAX_DEPTH);
        }
    }

    // ---- AMF0 (AMF0 specification §2) ----

    private void amf0(int d) {
        depth(d);
        int marker = u8();
        switch (marker) {
            case 0x00 -> skip(8); // number
            case 0x01 -> skip(1); // boolean
            case 0x02 -> skip(u16()); // string
            case 0x03 -> { // object
                amf0Complex++;
                amf0Properties(d);
            }
            case 0x05, 0x06, 0x0d -> { } // null, undefined, unsupported
            case 0x07 -> { // reference to a complex value already read
                if (u16() >= amf0Complex) {
                    throw bad("reference to a value not yet read");
                }
            }
            case 0x08 -> { // ECMA array: the count is a hint, the end marker ends it
                amf0Complex++;
                count(u32(), 1); // each entry takes bytes, whatever the count
                amf0Properties(d);
            }
            case 0x0a -> { // strict array
                amf0Complex++;
                int n = count(u32(), 1);
                for (int i = 0; i < n; i++) {
                    amf0(d + 1);
                }
            }
            case 0x0b -> skip(10); // date: number and time zone
            case 0x0c, 0x0f -> skip(u32()); // long string, XML document
            case 0x10 -> { // typed object
                amf0Complex++;
                skip(u16());
                amf0Properties(d);
            }
            case 0x11 -> amf3(d); // switch to AMF3 (AMF0 §3.1)
            default -> {
                p--;
                throw bad("marker 0x" + Integer.toHexString(marker) + " is not a value");
            }
        }
    }

    /** Name/value pairs up to an empty name and the object-end marker 0x09. */
    private void amf0Properties(int d) {
        while (true) {
            int len = u16();
            if (len == 0) {
                if (u8() != 0x09) {
                    p--;
                    throw bad("empty property name without the object-end marker");
                }
                return;
            }
            skip(len);
            amf0(d + 1);
        }
    }

    // ---- AMF3 (AMF3 specification §3) ----

    /** U29 (§1.3.1): 1 to 4 bytes, 7 bits each and 8 in the fourth. */
    private int u29() {
        int v = 0;
        for (int i = 0; i < 3; i++) {
            int x = u8();
            v = v << 7 | (x & 0x7f);
            if ((x & 0x80) == 0) {
                return v;
            }
        }
        return v << 8 | u8();
    }

    /** UTF-8-vr (§1.3.2): a reference to a string read before, or an inline length and bytes. */
    private void string3() {
        int h = u29();
        if ((h & 1) == 0) {
            if ((h >>> 1) >= amf3Strings) {
                throw bad("string reference to a string not yet read");
            }
            return;
        }
        int len = h >>> 1;
        skip(len);
        if (len > 0) {
            amf3Strings++;
        }
    }

    /** The U29 of an object-table value; false when it was a reference (checked). */
    private boolean inlineObject(int h) {
        if ((h & 1) == 0) {
            if ((h >>> 1) >= amf3Objects) {
                throw bad("object reference to a value not yet read");
            }
            return false;
        }
        amf3Objects++;
        return true;
    }

    private void amf3(int d) {
        depth(d);
        int marker = u8();
        switch (marker) {
            case 0x00, 0x01, 0x02, 0x03 -> { } // undefined, null, false, true
            case 0x04 -> u29(); // integer
            case 0x05 -> skip(8); // double
            case 0x06 -> string3();
            case 0x07, 0x0b, 0x0c -> { // XML document, XML, byte array
                int h = u29();
                if (inlineObject(h)) {
                    skip(h >>> 1);
                }
            }
            case 0x08 -> { // date
                if (inlineObject(u29())) {
                    skip(8);
                }
            }
            case 0x09 -> { // array: associative part up to an empty key, then the dense part
                int h = u29();
                if (inlineObject(h)) {
                    int n = count(h >>> 1, 1);
                    while (!emptyString3()) {
                        amf3(d + 1);
                    }
                    for (int i = 0; i < n; i++) {
                        amf3(d + 1);
                    }
                }
            }
            case 0x0a -> object3(d);
            case 0x0d, 0x0e, 0x0f -> { // vector of int, uint, double
                int h = u29();
                if (inlineObject(h)) {
                    int n = count(h >>> 1, marker == 0x0f ? 8 : 4);
                    skip(1 + (long) n * (marker == 0x0f ? 8 : 4));
                }
            }
            case 0x10 -> { // vector of objects: fixed flag, type name, values
                int h = u29();
                if (inlineObject(h)) {
                    int n = count(h >>> 1, 1);
                    skip(1);
                    string3();
                    for (int i = 0; i < n; i++) {
                        amf3(d + 1);
                    }
                }
            }
            case 0x11 -> { // dictionary: weak-keys flag, key/value pairs
                int h = u29();
                if (inlineObject(h)) {
                    int n = count(h >>> 1, 2);
                    skip(1);
                    for (int i = 0; i < n; i++) {
                        amf3(d + 1);
                        amf3(d + 1);
                    }
                }
            }
            default -> {
                p--;
                throw bad("AMF3 marker 0x" + Integer.toHexString(marker) + " is not a value");
            }
        }
    }

    /** Reads a UTF-8-vr key; true when it is the empty string that ends a key/value list. */
    private boolean emptyString3() {
        if (p < b.length && (b[p] & 0xff) == 0x01) {
            p++;
            return true;
        }
        string3();
        return false;
    }

    /** Object (§3.12): traits inline or by reference, sealed values, then dynamic members. */
    private void object3(int d) {
        int h = u29();
        if (!inlineObject(h)) {
            return;
        }
        boolean dynamic;
        int sealed;
        if ((h & 2) == 0) {
            if ((h >>> 2) >= amf3TraitCount) {
                throw bad("traits reference to traits not yet read");
            }
            int t = amf3Traits[h >>> 2];
            dynamic = (t & 1) != 0;
            sealed = count(t >>> 1, 1);
        } else if ((h & 4) != 0) {
            throw bad("externalizable object (its encoding is the class's own)");
        } else {
            dynamic = (h & 8) != 0;
            sealed = count(h >>> 4, 1);
            string3(); // class name
            for (int i = 0; i < sealed; i++) {
                string3();
            }
            if (amf3TraitCount == amf3Traits.length) {
                amf3Traits = java.util.Arrays.copyOf(amf3Traits, amf3TraitCount * 2);
            }
            amf3Traits[amf3TraitCount++] = sealed << 1 | (dynamic ? 1 : 0);
        }
        for (int i = 0; i < sealed; i++) {
            amf3(d + 1);
        }
        if (dynamic) {
            while (!emptyString3()) {
                amf3(d + 1);
            }
        }
    }
}
