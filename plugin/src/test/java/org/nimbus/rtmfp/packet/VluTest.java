package org.nimbus.rtmfp.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class VluTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    // RFC 7016 §2.1.2 examples: 0 → 00, 127 → 7f, 128 → 81 00, 16383 → ff 7f, 16384 → 81 80 00
    @Test
    void encodesRfcExamples() {
        assertArrayEquals(hex("00"), Vlu.encode(0));
        assertArrayEquals(hex("7f"), Vlu.encode(127));
        assertArrayEquals(hex("8100"), Vlu.encode(128));
        assertArrayEquals(hex("ff7f"), Vlu.encode(16383));
        assertArrayEquals(hex("818000"), Vlu.encode(16384));
    }

    @Test
    void decodesRfcExamples() throws Exception {
        assertEquals(0, Vlu.read(ByteBuffer.wrap(hex("00"))));
        assertEquals(127, Vlu.read(ByteBuffer.wrap(hex("7f"))));
        assertEquals(128, Vlu.read(ByteBuffer.wrap(hex("8100"))));
        assertEquals(16383, Vlu.read(ByteBuffer.wrap(hex("ff7f"))));
        assertEquals(16384, Vlu.read(ByteBuffer.wrap(hex("818000"))));
    }

    @Test
    void rejectsTruncatedAndOverlong() {
        assertThrows(MalformedException.class, () -> Vlu.read(ByteBuffer.wrap(hex("81"))));
        assertThrows(MalformedException.class, () -> Vlu.read(ByteBuffer.wrap(hex("ffffffffffffffffff7f"))));
        assertThrows(MalformedException.class, () -> Vlu.readInt(ByteBuffer.wrap(hex("ffffffff7f"))));
    }

    // librtmfp's IHello EPD from docs/vectors/startup-librtmfp-mona.json: 05 0a "live"
    @Test
    void readsOptionListFromWire() throws Exception {
        List<Option> opts = OptionList.read(hex("050a6c697665" + "010a"));
        assertEquals(2, opts.size());
        assertEquals(0x0a, opts.get(0).type());
        assertArrayEquals("live".getBytes(), opts.get(0).value());
        assertArrayEquals(new byte[0], opts.get(1).value());
        assertArrayEquals(hex("050a6c697665010a"), OptionList.encode(opts));
    }

    @Test
    void stopsAtMarker() throws Exception {
        ByteBuffer in = ByteBuffer.wrap(hex("020a0100ff"));
        assertEquals(1, OptionList.read(in).size());
        assertEquals(4, in.position());
    }

    @Test
    void terminatedListNeedsItsMarker() throws Exception {
        ByteBuffer in = ByteBuffer.wrap(hex("020a0100ff"));
        assertEquals(1, OptionList.readTerminated(in).size());
        assertEquals(4, in.position(), "the marker is consumed, what follows it stays");
        assertEquals(1, OptionList.read(hex("020a01")).size(), "an unterminated list ends at the buffer's end");
        assertThrows(MalformedException.class, () -> OptionList.readTerminated(ByteBuffer.wrap(hex("020a01"))));
        assertThrows(MalformedException.class, () -> OptionList.readTerminated(ByteBuffer.wrap(new byte[0])));
    }

    @Test
    void rejectsOptionLongerThanInput() {
        assertThrows(MalformedException.class, () -> OptionList.read(hex("050a6c69")));
    }
}
