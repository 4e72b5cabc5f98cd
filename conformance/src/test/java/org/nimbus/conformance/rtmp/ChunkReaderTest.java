package org.nimbus.conformance.rtmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The chunk reader on byte strings written out by hand from the Adobe RTMP specification 1.0
 * (§5.3.1 header layouts, the §5.3.2 examples, §5.4.1/§5.4.2 control messages).
 */
class ChunkReaderTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    /** n payload bytes, each its index plus a start value, so misplaced bytes show. */
    private static byte[] payload(int n, int from) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    private static List<RtmpMessage> all(ChunkReader r) throws RtmpProtocolException {
        List<RtmpMessage> out = new ArrayList<>();
        for (RtmpMessage m; (m = r.next()) != null; ) {
            out.add(m);
        }
        return out;
    }

    private static List<RtmpMessage> readAll(byte[] bytes) throws RtmpProtocolException {
        ChunkReader r = new ChunkReader();
        r.feed(bytes);
        List<RtmpMessage> out = all(r);
        assertEquals(0, r.buffered(), "every byte consumed");
        return out;
    }

    /** The same bytes fed one at a time: a chunk is taken only once it is whole. */
    private static List<RtmpMessage> readBytewise(byte[] bytes) throws RtmpProtocolException {
        ChunkReader r = new ChunkReader();
        List<RtmpMessage> out = new ArrayList<>();
        for (byte b : bytes) {
            r.feed(new byte[] {b});
            out.addAll(all(r));
        }
        return out;
    }

    /**
     * §5.3.2.1 example 1: four 32-byte audio messages on message stream 12345, timestamps 1000,
     * 1020, 1040, 1060: a fmt 0 chunk, a fmt 2 chunk (delta 20), then two fmt 3 chunks.
     */
    static byte[] example1() {
        return cat(
                // fmt 0, csid 3 | timestamp 1000 = 0x0003e8 | length 32 | type 8 | stream 12345 = 0x3039, little endian
                hex("03 0003e8 000020 08 39300000"), payload(32, 0),
                hex("83 000014"), payload(32, 32), // fmt 2: delta 20
                hex("c3"), payload(32, 64),        // fmt 3: delta 20 again
                hex("c3"), payload(32, 96));
    }

    @Test
    void example1SameSizeAudioMessages() throws Exception {
        for (List<RtmpMessage> got : List.of(readAll(example1()), readBytewise(example1()))) {
            assertEquals(4, got.size());
            for (int i = 0; i < 4; i++) {
                RtmpMessage m = got.get(i);
                assertEquals(3, m.chunkStreamId());
                assertEquals(RtmpMessage.AUDIO, m.type());
                assertEquals(12345, m.streamId());
                assertEquals(1000 + 20L * i, m.timestamp());
                assertArrayEquals(payload(32, 32 * i), m.body());
            }
        }
    }

    /**
     * §5.3.2.2 example 2: one 307-byte video message at the default chunk size 128: a fmt 0
     * chunk with 128 bytes, then fmt 3 chunks with 128 and 51.
     */
    @Test
    void example2MessageSplitIntoChunks() throws Exception {
        byte[] body = payload(307, 7);
        byte[] bytes = cat(hex("04 0003e8 000133 09 39300000"), java.util.Arrays.copyOfRange(body, 0, 128),
                hex("c4"), java.util.Arrays.copyOfRange(body, 128, 256),
                hex("c4"), java.util.Arrays.copyOfRange(body, 256, 307));
        ChunkReader r = new ChunkReader();
        r.feed(java.util.Arrays.copyOf(bytes, bytes.length - 1));
        assertNull(r.next(), "one byte short of the last chunk: no message yet");
        r.feed(new byte[] {bytes[bytes.length - 1]});
        RtmpMessage m = r.next();
        assertEquals(RtmpMessage.VIDEO, m.type());
        assertEquals(1000, m.timestamp());
        assertArrayEquals(body, m.body());
        assertEquals(readAll(bytes).get(0).body().length, 307);
    }

    /** §5.3.1.2.2 fmt 1: new length and type, timestamp delta, stream ID kept. */
    @Test
    void fmt1ChangesLengthAndType() throws Exception {
        byte[] bytes = cat(hex("06 000064 000002 08 01000000"), hex("aaaa"),
                hex("46 000028 000003 09"), hex("bbbbbb")); // fmt 1 csid 6: delta 40, length 3, type 9
        List<RtmpMessage> got = readAll(bytes);
        assertEquals(2, got.size());
        assertEquals(100, got.get(0).timestamp());
        assertEquals(RtmpMessage.VIDEO, got.get(1).type());
        assertEquals(140, got.get(1).timestamp());
        assertEquals(1, got.get(1).streamId());
        assertArrayEquals(hex("bbbbbb"), got.get(1).body());
    }

    /**
     * §5.3.1.3: timestamp field 0xFFFFFF, the real one (0x01000000) in 4 bytes after the header,
     * and again in the fmt 3 continuation chunk. A fmt 3 chunk that begins a new message adds the
     * preceding header's timestamp field again (for a fmt 0 header, the timestamp itself).
     */
    @Test
    void extendedTimestampInEveryChunk() throws Exception {
        byte[] body = payload(200, 1);
        byte[] bytes = cat(hex("05 ffffff 0000c8 09 01000000 01000000"), java.util.Arrays.copyOfRange(body, 0, 128),
                hex("c5 01000000"), java.util.Arrays.copyOfRange(body, 128, 200),
                hex("c5 01000000"), java.util.Arrays.copyOfRange(body, 0, 128),
                hex("c5 01000000"), java.util.Arrays.copyOfRange(body, 128, 200));
        for (List<RtmpMessage> got : List.of(readAll(bytes), readBytewise(bytes))) {
            assertEquals(2, got.size());
            assertEquals(0x01000000L, got.get(0).timestamp());
            assertArrayEquals(body, got.get(0).body());
            assertEquals(0x02000000L, got.get(1).timestamp());
            assertArrayEquals(body, got.get(1).body());
        }
    }

    /** §5.3.1.1: chunk stream IDs 64-319 in two bytes (ID - 64), 320-65599 in three (little endian). */
    @Test
    void twoAndThreeByteBasicHeaders() throws Exception {
        byte[] bytes = cat(hex("00 24 000000 000001 12 00000000"), hex("11"),  // csid 100 = 64 + 0x24
                hex("01 5001 000000 000001 12 00000000"), hex("22"),           // csid 400 = 64 + 0x0150
                hex("c0 24"), hex("33"));                                      // fmt 3, csid 100 again
        List<RtmpMessage> got = readAll(bytes);
        assertEquals(List.of(100, 400, 100), got.stream().map(RtmpMessage::chunkStreamId).toList());
        assertArrayEquals(hex("33"), got.get(2).body());
    }

    /** §5.4.1: after the server's Set Chunk Size (4096), a 300-byte message comes in one chunk. */
    @Test
    void setChunkSizeAppliesToTheNextChunk() throws Exception {
        byte[] body = payload(300, 0);
        byte[] bytes = cat(hex("02 000000 000004 01 00000000 00001000"), hex("08 000000 00012c 12 01000000"), body);
        ChunkReader r = new ChunkReader();
        r.feed(bytes);
        RtmpMessage control = r.next();
        assertEquals(RtmpMessage.SET_CHUNK_SIZE, control.type());
        assertEquals(4096, r.chunkSize());
        RtmpMessage m = r.next();
        assertArrayEquals(body, m.body());
        assertNull(r.next());
    }

    /** Chunks of two chunk streams interleave; each reassembles its own message (§5.3.1). */
    @Test
    void interleavedChunkStreams() throws Exception {
        byte[] video = payload(200, 0);
        byte[] audio = payload(10, 100);
        byte[] bytes = cat(hex("06 000000 0000c8 09 01000000"), java.util.Arrays.copyOfRange(video, 0, 128),
                hex("04 000005 00000a 08 01000000"), audio,
                hex("c6"), java.util.Arrays.copyOfRange(video, 128, 200));
        List<RtmpMessage> got = readAll(bytes);
        assertEquals(2, got.size());
        assertEquals(RtmpMessage.AUDIO, got.get(0).type());
        assertArrayEquals(audio, got.get(0).body());
        assertArrayEquals(video, got.get(1).body());
    }

    /** §5.4.2: Abort drops the partly received message of chunk stream 6; the next one starts clean. */
    @Test
    void abortDropsThePartialMessage() throws Exception {
        byte[] bytes = cat(hex("06 000000 0000c8 09 01000000"), payload(128, 0),
                hex("02 000000 000004 02 00000000 00000006"),
                hex("06 000028 000002 09 01000000"), hex("abcd"));
        List<RtmpMessage> got = readAll(bytes);
        assertEquals(2, got.size());
        assertEquals(RtmpMessage.ABORT, got.get(0).type());
        assertArrayEquals(hex("abcd"), got.get(1).body());
        assertEquals(40, got.get(1).timestamp());
    }

    @Test
    void aChunkStreamMustStartWithFmt0() {
        ChunkReader r = new ChunkReader();
        r.feed(hex("83 000014"));
        assertThrows(RtmpProtocolException.class, r::next);
    }

    @Test
    void aFullHeaderInsideAMessageIsAnError() {
        ChunkReader r = new ChunkReader();
        r.feed(cat(hex("06 000000 0000c8 09 01000000"), payload(128, 0), hex("06 000000 000001 09 01000000 00")));
        assertThrows(RtmpProtocolException.class, () -> all(r));
    }

    /** The writer's output, checked byte for byte against §5.3.1, then read back. */
    @Test
    void writerLayoutAndRoundTrip() throws Exception {
        ChunkWriter w = new ChunkWriter();
        byte[] small = w.encode(3, RtmpMessage.COMMAND_AMF0, 5, 1, hex("0102"));
        assertArrayEquals(hex("03 000005 000002 14 01000000 0102"), small);
        byte[] body = payload(300, 9);
        byte[] big = w.encode(8, RtmpMessage.VIDEO, 0x01234567L, 258, body);
        assertEquals(12 + 4 + 128 + 5 + 128 + 5 + 44, big.length, "fmt 0 + ext, then two fmt 3 + ext");
        assertArrayEquals(hex("08 ffffff 00012c 09 02010000 01234567"), java.util.Arrays.copyOf(big, 16));
        assertArrayEquals(hex("c8 01234567"), java.util.Arrays.copyOfRange(big, 16 + 128, 16 + 128 + 5));
        byte[] wide = w.encode(400, RtmpMessage.AUDIO, 1, 1, hex("ee"));
        assertArrayEquals(hex("01 5001 000001 000001 08 01000000 ee"), wide);
        List<RtmpMessage> got = readAll(cat(small, big, wide));
        assertEquals(3, got.size());
        assertArrayEquals(body, got.get(1).body());
        assertEquals(0x01234567L, got.get(1).timestamp());
        assertEquals(258, got.get(1).streamId());
        assertEquals(400, got.get(2).chunkStreamId());
    }
}
