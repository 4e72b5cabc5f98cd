package org.nimbus.rtmfp.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.MalformedException;
import org.nimbus.rtmfp.packet.Option;

/** Byte vectors derived from the RFC 7016 §2.3.11–2.3.16 layouts. */
class ChunkCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] hex(String s) {
        return HEX.parseHex(s.replace(" ", ""));
    }

    @Test
    void userDataFragmentControlBits() throws Exception {
        // flags 0x10 = begin, 0x30 = middle, 0x20 = end, 0x00 = whole (§2.3.11)
        assertEquals(Fragment.BEGIN, UserDataChunk.decode(hex("10 05 07 02 aa")).fragment());
        assertEquals(Fragment.MIDDLE, UserDataChunk.decode(hex("30 05 07 02 aa")).fragment());
        assertEquals(Fragment.END, UserDataChunk.decode(hex("20 05 07 02 aa")).fragment());
        UserDataChunk c = UserDataChunk.decode(hex("03 05 07 02"));
        assertEquals(Fragment.WHOLE, c.fragment());
        assertTrue(c.abandon());
        assertTrue(c.fin());
        assertEquals(5, c.forwardSequenceNumber());
        assertEquals(0, c.data().length);
    }

    @Test
    void userDataWithMultiByteVlusAndOptions() throws Exception {
        // flow 300 (82 2c), seq 16384 (81 80 00), fsnOffset 128 (81 00), metadata "TC\4\0", assoc 300
        byte[] wire = hex("80 822c 818000 8100 05 00 54430400 03 0a 822c 00 deadbeef");
        UserDataChunk c = UserDataChunk.decode(wire);
        assertEquals(300, c.flowId());
        assertEquals(16384, c.sequenceNumber());
        assertEquals(16384 - 128, c.forwardSequenceNumber());
        assertEquals(300, c.returnAssociation().orElseThrow());
        assertArrayEquals(hex("54430400"), c.metadata().orElseThrow());
        assertArrayEquals(hex("deadbeef"), c.data());
        assertArrayEquals(wire, c.encode());
        assertEquals(wire.length, c.encodedSize());
    }

    @Test
    void emptyOptionListIsStillPresent() throws Exception {
        UserDataChunk c = UserDataChunk.decode(hex("80 01 01 00 00 ff"));
        assertTrue(c.hasOptions());
        assertEquals(List.of(), c.options());
        assertTrue(c.metadata().isEmpty());
        assertArrayEquals(hex("80 01 01 00 00 ff"), c.encode());
    }

    @Test
    void nextUserDataInheritsFromPrevious() throws Exception {
        UserDataChunk first = UserDataChunk.decode(hex("10 02 09 03 aa"));
        UserDataChunk next = UserDataChunk.decodeNext(hex("30 bb"), first);
        UserDataChunk last = UserDataChunk.decodeNext(hex("20 cc"), next);
        assertEquals(2, last.flowId());
        assertEquals(11, last.sequenceNumber());
        assertEquals(5, last.fsnOffset());
        assertEquals(6, last.forwardSequenceNumber());
        assertTrue(last.follows(next));
        assertFalse(first.follows(last));
        assertArrayEquals(hex("20 cc"), last.encodeNext());
        assertThrows(MalformedException.class, () -> UserDataChunk.decodeNext(hex("00 aa"), null));
    }

    @Test
    void malformedUserData() {
        assertThrows(MalformedException.class, () -> UserDataChunk.decode(new byte[0]));
        assertThrows(MalformedException.class, () -> UserDataChunk.decode(hex("00 01")));        // truncated
        assertThrows(MalformedException.class, () -> UserDataChunk.decode(hex("00 01 02 03")));  // fsnOffset > seq
        assertThrows(MalformedException.class, () -> UserDataChunk.decode(hex("00 01 00 00")));  // seq 0
        assertThrows(MalformedException.class, () -> UserDataChunk.decode(hex("80 01 01 00 05 00 54"))); // option overrun
        assertThrows(MalformedException.class, () -> UserDataChunk.decode(hex("80 01 01 00 02 00 54"))); // no marker
        assertThrows(MalformedException.class, () -> UserDataChunk.decode(hex("80 01 01 00 02 0a 81 00"))); // bad assoc VLU
    }

    @Test
    void rangesAckRfcLayout() throws Exception {
        // cumulative 10; received 13..14 (holes 11,12: holesMinusOne 1, receivedMinusOne 1)
        // then 20 (holes 15..19: holesMinusOne 4, receivedMinusOne 0)
        byte[] wire = hex("03 40 0a 01 01 04 00");
        AckChunk a = AckChunk.decodeRanges(wire);
        assertEquals(3, a.flowId());
        assertEquals(64, a.bufferBlocksAvailable());
        assertEquals(65536, a.bufferBytesAvailable());
        assertEquals(10, a.cumulativeAck());
        assertEquals(List.of(new AckChunk.Range(13, 14), new AckChunk.Range(20, 20)), a.ranges());
        assertArrayEquals(wire, a.encodeRanges());
        // truncation keeps the header and leaves out ranges that do not fit
        assertArrayEquals(hex("03 40 0a 01 01"), a.encodeRanges(5));
        assertArrayEquals(hex("03 40 0a"), a.encodeRanges(4));
        assertNull(a.encodeRanges(2));
    }

    @Test
    void bitmapAckBitOrder() throws Exception {
        // §2.3.13: bit 0 of the first byte is cumulativeAck + 2
        AckChunk a = AckChunk.decodeBitmap(hex("01 00 05 05 80"));
        // 0x05 = bits 0 and 2 -> 7 and 9; 0x80 in second byte = bit 15 -> 22
        assertEquals(List.of(new AckChunk.Range(7, 7), new AckChunk.Range(9, 9), new AckChunk.Range(22, 22)),
                a.ranges());
        assertArrayEquals(hex("01 00 05 05 80"), a.encodeBitmap());
        AckChunk run = AckChunk.decodeBitmap(hex("01 02 05 ff 01"));
        assertEquals(List.of(new AckChunk.Range(7, 15)), run.ranges());
        // the same information as ranges: holesMinusOne = 7-5-2 = 0, receivedMinusOne = 8
        assertArrayEquals(hex("01 02 05 00 08"), run.encodeRanges());
        assertEquals(run, AckChunk.decodeRanges(run.encodeRanges()));
    }

    @Test
    void malformedAcks() {
        assertThrows(MalformedException.class, () -> AckChunk.decodeRanges(hex("01 40")));
        assertThrows(MalformedException.class, () -> AckChunk.decodeRanges(hex("01 40 00 01")));     // half a pair
        assertThrows(MalformedException.class,
                () -> AckChunk.decodeRanges(hex("01 40 ffffffffffffffff7f 00 00")));                   // overflow
        assertThrows(MalformedException.class, () -> AckChunk.decodeBitmap(hex("01")));
    }

    @Test
    void probeAndException() throws Exception {
        assertEquals(new BufferProbeChunk(300), BufferProbeChunk.decode(hex("822c")));
        assertArrayEquals(hex("822c"), new BufferProbeChunk(300).encode());
        FlowExceptionChunk x = FlowExceptionChunk.decode(hex("05 81 00"));
        assertEquals(5, x.flowId());
        assertEquals(128, x.exceptionCode());
        assertArrayEquals(hex("05 81 00"), x.encode());
        assertEquals(Chunk.FLOW_EXCEPTION, x.toChunk().type());
        assertThrows(MalformedException.class, () -> FlowExceptionChunk.decode(hex("05")));
        assertThrows(MalformedException.class, () -> BufferProbeChunk.decode(new byte[0]));
    }

    @Test
    void flowStartPeeksNewFlow() throws Exception {
        FlowStart tc = FlowStart.peek(hex("80 03 01 01 05 00 54430400 02 0a 02 00 01"));
        assertEquals(3, tc.flowId());
        assertEquals(2, tc.returnAssociation().orElseThrow());
        assertTrue(tc.acceptable());
        assertFalse(FlowStart.peek(hex("00 03 01 01 aa")).acceptable());                  // no metadata
        assertFalse(FlowStart.peek(hex("80 03 01 01 01 00 03 15 aaaa 00")).acceptable());  // unknown mandatory 0x15
        assertTrue(FlowStart.peek(hex("80 03 01 01 01 00 03 c000 aa 00")).acceptable());   // 0x2000 and up: optional
    }

    @Test
    void encodeDecodeRoundTripBuilt() throws Exception {
        UserDataChunk c = new UserDataChunk(Fragment.MIDDLE, false, true, 7, 1000, 3,
                List.of(new Option(0, hex("0102"))), hex("cafe"));
        assertEquals(c, UserDataChunk.decode(c.encode()));
    }
}
