package org.nimbus.conformance.registry;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry framing: 4-byte big-endian length, then the JSON, in pieces of any size. */
class FrameReaderTest {

    @Test
    void frameIsLengthPrefixed() {
        assertArrayEquals(new byte[] {0, 0, 0, 2, '{', '}'}, FrameReader.frame("{}"));
    }

    @Test
    void framesComeOutWholeWhateverThePieces() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(FrameReader.frame("{\"op\":\"a\"}"));
        all.writeBytes(FrameReader.frame("{\"op\":\"é\"}"));
        all.writeBytes(FrameReader.frame("{}"));
        byte[] bytes = all.toByteArray();
        for (int piece = 1; piece <= bytes.length; piece++) {
            FrameReader r = new FrameReader();
            List<String> out = new ArrayList<>();
            for (int at = 0; at < bytes.length; at += piece) {
                out.addAll(r.feed(bytes, at, Math.min(piece, bytes.length - at)));
            }
            assertEquals(List.of("{\"op\":\"a\"}", "{\"op\":\"é\"}", "{}"), out, "pieces of " + piece);
        }
    }
}
