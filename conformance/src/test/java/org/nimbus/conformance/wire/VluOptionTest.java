package org.nimbus.conformance.wire;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** RFC 7016 §2.1.2 VLU and §2.1.3 option lists. */
class VluOptionTest {
    @Test
    void vluExamples() {
        assertEquals("00", Hex.encode(Vlu.encode(0)));
        assertEquals("7f", Hex.encode(Vlu.encode(127)));
        assertEquals("8100", Hex.encode(Vlu.encode(128)));
        assertEquals("8104", Hex.encode(Vlu.encode(132)));
        assertEquals("83ff7f", Hex.encode(Vlu.encode(65535)));
        assertEquals(65407, new ByteReader(Hex.decode("83fe7f")).vlu()); // MonaTiny's buffer advertisement
        for (long v : new long[] {0, 1, 127, 128, 16383, 16384, 1L << 40, Long.MAX_VALUE}) {
            assertEquals(v, new ByteReader(Vlu.encode(v)).vlu());
        }
    }

    @Test
    void truncatedVluFails() {
        assertThrows(WireFormatException.class, () -> new ByteReader(Hex.decode("8181")).vlu());
    }

    @Test
    void optionListWithMarker() {
        // The TC flow's metadata then a return association, then the marker (RFC 7425 §5.1).
        OptionList l = OptionList.parse(Hex.decode("050054430400020a0200ff"));
        assertTrue(l.endedByMarker());
        assertEquals(2, l.options().size());
        assertEquals("54430400", Hex.encode(l.options().get(0).value()));
        assertEquals(2, l.first(0x0a).orElseThrow().valueAsVlu());
        assertEquals("050054430400020a0200", Hex.encode(l.encode()));
    }

    @Test
    void optionLengthOverrunFails() {
        assertThrows(WireFormatException.class, () -> OptionList.parse(Hex.decode("051d02")));
    }

    @Test
    void rangeAckRoundTrip() {
        // cumulative 3, then 6..7 received, 10 received
        Ack a = new Ack(2, 65535, 3, java.util.List.of(new Ack.Range(6, 7), new Ack.Range(10, 10)));
        Ack back = Ack.decode(a.toChunk());
        assertEquals(a, back);
        assertTrue(back.acknowledges(7));
        assertFalse(back.acknowledges(8));
    }

    @Test
    void bitmapAckParsesAsRanges() {
        // cumulative 1; bits for 3,4 set, 5 clear, 6 set (bit 0 = cumulative + 2 = 3)
        Ack a = Ack.decode(new Chunk(ChunkType.BITMAP_ACK, Hex.decode("01" + "00" + "01" + "0b")));
        assertEquals(java.util.List.of(new Ack.Range(3, 4), new Ack.Range(6, 6)), a.ranges());
    }
}
