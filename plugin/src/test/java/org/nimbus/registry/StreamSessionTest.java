package org.nimbus.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StreamSessionTest {

    /** The transport side: collects written bytes, decodes them back into frames. */
    static final class Wire implements StreamSession.Output {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        boolean closed;

        @Override
        public void write(byte[] bytes) {
            written.writeBytes(bytes);
        }

        @Override
        public void close() {
            closed = true;
        }

        List<JsonObject> frames() throws Exception {
            List<JsonObject> out = new ArrayList<>();
            new FrameDecoder(1 << 20).feed(ByteBuffer.wrap(written.toByteArray()), b -> out.add(Frames.parse(b)));
            return out;
        }
    }

    private static byte[] frame(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + b.length).putInt(b.length).put(b).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    @Test
    void decoderYieldsTheSameFramesForEverySplitPosition() throws Exception {
        byte[] stream = concat(frame("{\"op\":\"ping\",\"id\":1}"), frame(""), frame("{\"op\":\"ping\",\"id\":\"é\"}"));
        List<byte[]> whole = new ArrayList<>();
        new FrameDecoder(100).feed(ByteBuffer.wrap(stream), whole::add);
        assertEquals(3, whole.size());
        for (int i = 0; i <= stream.length; i++) {
            for (int j = i; j <= stream.length; j++) {
                FrameDecoder d = new FrameDecoder(100);
                List<byte[]> got = new ArrayList<>();
                d.feed(ByteBuffer.wrap(stream, 0, i), got::add);
                d.feed(ByteBuffer.wrap(stream, i, j - i), got::add);
                d.feed(ByteBuffer.wrap(stream, j, stream.length - j), got::add);
                assertEquals(whole.size(), got.size(), "split at " + i + "," + j);
                for (int k = 0; k < got.size(); k++) {
                    assertArrayEquals(whole.get(k), got.get(k));
                }
                assertFalse(d.midFrame());
            }
        }
    }

    @Test
    void oversizeIsDetectedFromTheLengthAlone() {
        FrameDecoder d = new FrameDecoder(100);
        assertThrows(FrameDecoder.FrameTooLargeException.class,
                () -> d.feed(ByteBuffer.wrap(new byte[] {0, 0, 0, 101}), b -> { }));
        FrameDecoder d2 = new FrameDecoder(100);
        assertThrows(FrameDecoder.FrameTooLargeException.class,
                () -> d2.feed(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}), b -> { }));
    }

    @Test
    void aConversationByteByByte() throws Exception {
        Fixture f = new Fixture();
        Wire wire = new Wire();
        StreamSession s = new StreamSession(f.protocol, wire, null);
        assertTrue(s.open("203.0.113.5"));
        byte[] in = concat(frame("{\"op\":\"hello\",\"v\":1,\"guest\":true,\"id\":1}"),
                frame("{\"op\":\"register\",\"peerId\":\"" + Fixture.peerId(5) + "\",\"id\":2}"),
                frame("{\"op\":\"lookup\",\"name\":\"nobody\",\"id\":3}"));
        for (byte b : in) {
            s.onBytes(ByteBuffer.wrap(new byte[] {b}));
        }
        List<JsonObject> out = wire.frames();
        assertEquals(List.of("welcome", "registered", "found"), out.stream().map(o -> o.get("op").getAsString()).toList());
        assertTrue(f.service.lookup(out.get(0).get("name").getAsString()).online());
        s.onClosed();
        assertEquals(0, f.service.stats().connections());
        assertEquals(0, f.service.stats().guests());
    }

    @Test
    void invalidJsonIsAnsweredAndTheConnectionStays() throws Exception {
        Fixture f = new Fixture();
        Wire wire = new Wire();
        StreamSession s = new StreamSession(f.protocol, wire, null);
        s.open("203.0.113.5");
        for (String bad : new String[] {"{", "[1]", "\"x\"", "{op:ping}", "{\"op\":\"ping\"} {}", "", "\u0000\u00ff"}) {
            s.onBytes(ByteBuffer.wrap(frame(bad)));
        }
        s.onBytes(ByteBuffer.wrap(frame("{\"op\":\"ping\"}")));
        List<JsonObject> out = wire.frames();
        assertEquals(8, out.size());
        for (int i = 0; i < 7; i++) {
            assertEquals(ErrorCodes.BAD_JSON, out.get(i).get("code").getAsString());
        }
        assertEquals("pong", out.get(7).get("op").getAsString());
        assertFalse(wire.closed);
    }

    @Test
    void oversizedFrameGetsAnErrorThenClose() throws Exception {
        Fixture f = new Fixture(new RegistryLimits(30, 10, 64, 64, 100, 10, 5, 100, 64));
        Wire wire = new Wire();
        StreamSession s = new StreamSession(f.protocol, wire, null);
        s.open("203.0.113.5");
        s.onBytes(ByteBuffer.wrap(new byte[] {0, 0, 0, 65}));
        assertEquals(ErrorCodes.FRAME_TOO_LARGE, wire.frames().get(0).get("code").getAsString());
        assertTrue(wire.closed);
        assertEquals(0, f.service.stats().connections());
        s.onBytes(ByteBuffer.wrap(frame("{\"op\":\"ping\"}")));
        assertEquals(1, wire.frames().size(), "nothing is read after the close");
    }

    @Test
    void aFrameThatNeverCompletesTimesOut() throws Exception {
        Fixture f = new Fixture(new RegistryLimits(30, 10, 1024, 64, 100, 10, 5, 100, 64));
        Wire slow = new Wire();
        Wire steady = new Wire();
        StreamSession s = new StreamSession(f.protocol, slow, null);
        StreamSession t = new StreamSession(f.protocol, steady, null);
        s.open("203.0.113.5");
        t.open("203.0.113.6");
        byte[] ping = frame("{\"op\":\"ping\"}");
        s.onBytes(ByteBuffer.wrap(ping, 0, 6));
        for (int i = 0; i < 10; i++) {
            f.clock.advance(1_000);
            s.onBytes(ByteBuffer.wrap(ping, 6, 1)); // a byte a second still never finishes the frame in time
            t.onBytes(ByteBuffer.wrap(ping));
            f.service.sweep();
        }
        assertFalse(slow.closed);
        f.clock.advance(1_000);
        f.service.sweep();
        assertTrue(slow.closed);
        assertEquals(ErrorCodes.FRAME_TIMEOUT, slow.frames().get(0).get("code").getAsString());
        assertFalse(steady.closed);
        assertEquals(10, steady.frames().size());
    }

    @Test
    void policyRequestIsAnsweredThenClosedInAnySplit() {
        byte[] answer = PolicyFile.answer(List.of(1936));
        String xml = new String(answer, StandardCharsets.US_ASCII);
        assertTrue(xml.contains("to-ports=\"1936\"") && xml.endsWith("\0"), xml);
        for (int i = 0; i <= PolicyFile.REQUEST.length; i++) {
            Fixture f = new Fixture();
            Wire wire = new Wire();
            StreamSession s = new StreamSession(f.protocol, wire, answer);
            s.open("203.0.113.5");
            s.onBytes(ByteBuffer.wrap(PolicyFile.REQUEST, 0, i));
            s.onBytes(ByteBuffer.wrap(PolicyFile.REQUEST, i, PolicyFile.REQUEST.length - i));
            assertArrayEquals(answer, wire.written.toByteArray());
            assertTrue(wire.closed);
            assertEquals(0, f.service.stats().connections());
        }
        Fixture f = new Fixture();
        Wire wire = new Wire();
        StreamSession s = new StreamSession(f.protocol, wire, answer);
        s.open("203.0.113.5");
        s.onBytes(ByteBuffer.wrap("<policy-file-requesT/>\0".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(0, wire.written.size());
        assertTrue(wire.closed);
    }

    @Test
    void textMessagesAreAnsweredWithAnError() throws Exception {
        Fixture f = new Fixture();
        Wire wire = new Wire();
        StreamSession s = new StreamSession(f.protocol, wire, null);
        s.open("203.0.113.5");
        s.onTextMessage();
        assertEquals(ErrorCodes.TEXT_FRAME, wire.frames().get(0).get("code").getAsString());
        assertFalse(wire.closed);
    }

    @Test
    void tooManyConnectionsFromOneAddressAreRefusedWithAnError() throws Exception {
        Fixture f = new Fixture(new RegistryLimits(30, 10, 1024, 2, 100, 10, 5, 100, 64));
        for (int i = 0; i < 2; i++) {
            assertTrue(new StreamSession(f.protocol, new Wire(), null).open("203.0.113.5"));
        }
        Wire third = new Wire();
        assertFalse(new StreamSession(f.protocol, third, null).open("203.0.113.5"));
        assertEquals(ErrorCodes.TOO_MANY_CONNECTIONS, third.frames().get(0).get("code").getAsString());
        assertTrue(third.closed);
    }

    @Test
    void randomGarbageNeverThrowsAndEndsInRepliesOrAClose() throws Exception {
        Random r = new Random(42);
        for (int round = 0; round < 2000; round++) {
            Fixture f = new Fixture(new RegistryLimits(30, 10, 4096, 64, 100, 10, 5, 100, 64));
            Wire wire = new Wire();
            StreamSession s = new StreamSession(f.protocol, wire, round % 2 == 0 ? PolicyFile.answer(List.of(1)) : null);
            s.open("203.0.113.5");
            byte[] junk;
            if (round % 3 == 0) {
                // plausible frames with mangled JSON: exercise the parser and dispatch, not only the length check
                String json = "{\"op\":\"" + List.of("hello", "register", "lookup", "subscribe", "send", "ping", "x").get(r.nextInt(7))
                        + "\",\"v\":1,\"guest\":true,\"names\":[\"a\"],\"to\":\"b\",\"text\":\"t\",\"peerId\":\"" + Fixture.peerId(r.nextInt()) + "\"}";
                byte[] b = json.getBytes(StandardCharsets.UTF_8);
                for (int k = r.nextInt(3); k > 0; k--) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
                junk = frame(new String(b, StandardCharsets.ISO_8859_1));
            } else {
                junk = new byte[r.nextInt(300)];
                r.nextBytes(junk);
            }
            int at = 0;
            while (at < junk.length) {
                int n = 1 + r.nextInt(junk.length - at);
                s.onBytes(ByteBuffer.wrap(Arrays.copyOfRange(junk, at, at + n)));
                at += n;
            }
            if (!wire.closed && wire.written.size() > 0 && !(round % 2 == 0 && junk.length > 0 && junk[0] == '<')) {
                for (JsonObject o : wire.frames()) {
                    assertNotNull(o.get("op"));
                }
            }
            s.onClosed();
            assertEquals(0, f.service.stats().connections());
        }
    }

    @Test
    void deeplyNestedJsonIsJustBadJson() throws Exception {
        Fixture f = new Fixture();
        Wire wire = new Wire();
        StreamSession s = new StreamSession(f.protocol, wire, null);
        s.open("203.0.113.5");
        s.onBytes(ByteBuffer.wrap(frame("[".repeat(60_000))));
        s.onBytes(ByteBuffer.wrap(frame("{\"a\":" .repeat(10_000))));
        List<JsonObject> out = wire.frames();
        assertEquals(2, out.size());
        assertEquals(ErrorCodes.BAD_JSON, out.get(1).get("code").getAsString());
    }
}
