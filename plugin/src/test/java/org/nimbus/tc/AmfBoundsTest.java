package org.nimbus.tc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.nimbus.fuzz.Guard;

/**
 * Regression tests for the AMF bounds (RELIABILITY.md "Defects found"): commands whose declared
 * counts, lengths, nesting or references exceed their bytes are refused before Red5's codec sizes
 * anything from them, within the fuzz harness's allocation bound.
 */
class AmfBoundsTest {
    private static final HexFormat HEX = HexFormat.of();

    /** The input TcFuzzTest found: Red5's AMF0 reader allocated an ArrayList of 2 046 528 547. */
    @Test
    void theFuzzInputThatRanRed5OutOfHeapIsRefused() throws Exception {
        byte[] m;
        try (InputStream in = AmfBoundsTest.class.getResourceAsStream("/fuzz/tc-command-amf0-array-count.hex")) {
            m = HEX.parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
        }
        assertEquals(942, m.length);
        assertRefusedWithinBound(m);
    }

    @Test
    void declaredCountsAndLengthsBeyondTheBytesAreRefused() {
        String head = "14000000000200046361 6c6c 00 0000000000000000".replace(" ", ""); // "call", 0
        for (String value : new String[] {
            "0a7fffffff05",         // AMF0 strict array of 2^31 - 1
            "08ffffffff000009",     // ECMA array claiming 2^32 - 1 entries
            "0c7fffffff41",         // long string of 2^31 - 1 bytes
            "0f7fffffff3c",         // XML document likewise
            "11 09 ffffff7f 01".replace(" ", ""),   // AMF3 dense array of 2^28 - 1
            "11 0d ffffff7f 00".replace(" ", ""),   // AMF3 vector<int> of 2^28 - 1
            "11 0c ffffff7f".replace(" ", ""),      // AMF3 byte array of 2^28 - 1
            "11 0a 8fffff7f 01".replace(" ", ""),   // AMF3 traits with 2^24 sealed members
            "11 11 ffffff7f 00".replace(" ", ""),   // AMF3 dictionary of 2^28 - 1
            "070005",               // AMF0 reference to nothing read yet
            "11 0a 04".replace(" ", ""),            // AMF3 traits reference to nothing
            "11 06 04".replace(" ", ""),            // AMF3 string reference to nothing
        }) {
            assertRefusedWithinBound(HEX.parseHex(head + value));
        }
    }

    @Test
    void nestingDeeperThanTheLimitIsRefusedAndWithinItDecodes() {
        assertRefusedWithinBound(nested(AmfBounds.MAX_DEPTH + 1));
        assertRefusedWithinBound(nested(100_000));
        TcCommand c = TcCommand.decode(TcMessage.decode(nested(AmfBounds.MAX_DEPTH)));
        assertEquals("call", c.name());
    }

    /** "call", 0, then {@code depth} strict arrays of one element, innermost a null. */
    private static byte[] nested(int depth) {
        ByteBuffer b = ByteBuffer.allocate(21 + depth * 5 + 1);
        b.put(HEX.parseHex("14000000000200046361" + "6c6c" + "00" + "0000000000000000"));
        for (int i = 0; i < depth; i++) {
            b.put((byte) 0x0a).putInt(1);
        }
        b.put((byte) 0x05);
        return b.array();
    }

    private static void assertRefusedWithinBound(byte[] m) {
        Guard.check(m, () -> {
            TcFormatException e = assertThrows(TcFormatException.class, () -> TcCommand.decode(TcMessage.decode(m)));
            assertTrue(e.getMessage().startsWith("AMF"), e.getMessage());
        });
    }
}
