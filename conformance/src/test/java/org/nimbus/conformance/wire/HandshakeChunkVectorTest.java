package org.nimbus.conformance.wire;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nimbus.conformance.Vectors;
import org.nimbus.conformance.Vectors.Pkt;
import org.nimbus.conformance.crypto.ClientCertificate;
import org.nimbus.conformance.crypto.ProfileOptions;

/** RFC 7016 §2.3.2-§2.3.8 handshake chunks: every one in the vectors parses and re-encodes. */
class HandshakeChunkVectorTest {

    record Found(Pkt packet, JsonObject chunk) {
        byte[] payload() {
            return Hex.decode(chunk.get("payload_hex").getAsString());
        }

        JsonObject fields() {
            return chunk.getAsJsonObject("fields");
        }

        String field(String name) {
            return fields().get(name).getAsString();
        }
    }

    static List<Found> chunks(int type) {
        List<Found> out = new ArrayList<>();
        for (Pkt p : Vectors.allPackets()) {
            for (JsonElement c : p.json().getAsJsonArray("chunks")) {
                if (c.getAsJsonObject().get("type").getAsInt() == type) {
                    out.add(new Found(p, c.getAsJsonObject()));
                }
            }
        }
        return out;
    }

    @Test
    void ihello() {
        List<Found> all = chunks(ChunkType.IHELLO);
        assertTrue(all.size() >= 8, "IHello count " + all.size());
        boolean sawPath = false;
        boolean sawEmpty = false;
        boolean sawUri = false;
        boolean sawFingerprint = false;
        for (Found f : all) {
            IHello h = IHello.decode(f.payload());
            assertEquals(f.field("epd_hex"), Hex.encode(h.epd()));
            assertEquals(f.field("tag_hex"), Hex.encode(h.tag()));
            assertArrayEquals(f.payload(), h.toChunk().payload());
            OptionList epd = OptionList.parse(h.epd());
            var anc = epd.first(ProfileOptions.EPD_ANCILLARY_DATA);
            if (anc.isPresent()) {
                String text = new String(anc.get().value(), java.nio.charset.StandardCharsets.UTF_8);
                sawEmpty |= text.isEmpty();
                sawPath |= text.equals("live");
                sawUri |= text.startsWith("rtmfp://");
            }
            sawFingerprint |= epd.first(ProfileOptions.EPD_FINGERPRINT).map(o -> o.value().length == 32).orElse(false);
        }
        assertTrue(sawPath && sawEmpty && sawUri && sawFingerprint, "all four EPD forms are in the vectors");
    }

    @Test
    void rhello() {
        List<Found> all = chunks(ChunkType.RHELLO);
        assertFalse(all.isEmpty());
        for (Found f : all) {
            RHello h = RHello.decode(f.payload());
            assertEquals(f.field("tag_echo_hex"), Hex.encode(h.tagEcho()));
            assertEquals(f.field("cookie_hex"), Hex.encode(h.cookie()));
            assertEquals(f.field("certificate_hex"), Hex.encode(h.certificate()));
            assertArrayEquals(f.payload(), h.toChunk().payload());
        }
        RHello mona = RHello.decode(chunks(ChunkType.RHELLO).stream()
                .filter(f -> f.packet().source().startsWith(Vectors.STARTUP)).findFirst().orElseThrow().payload());
        assertEquals(64, mona.cookie().length);
        assertEquals(List.of(2L, 5L, 14L), ClientCertificate.supportedGroups(mona.certificate()));
    }

    @Test
    void iikeying() {
        List<Found> all = chunks(ChunkType.IIKEYING);
        assertFalse(all.isEmpty());
        for (Found f : all) {
            IIKeying k = IIKeying.decode(f.payload());
            assertEquals(f.field("initiator_session_id_hex"), String.format("%08x", k.initiatorSessionId()));
            assertEquals(f.field("cookie_hex"), Hex.encode(k.cookieEcho()));
            assertEquals(f.field("certificate_hex"), Hex.encode(k.certificate()));
            assertEquals(f.field("skic_hex"), Hex.encode(k.skic()));
            assertEquals("58", Hex.encode(k.signature()));
            assertArrayEquals(f.payload(), k.toChunk().payload());
        }
    }

    @Test
    void rikeying() {
        List<Found> all = chunks(ChunkType.RIKEYING);
        assertFalse(all.isEmpty());
        for (Found f : all) {
            RIKeying k = RIKeying.decode(f.payload());
            assertEquals(f.field("responder_session_id_hex"), String.format("%08x", k.responderSessionId()));
            assertEquals(f.field("skrc_hex"), Hex.encode(k.skrc()));
            assertArrayEquals(f.payload(), k.toChunk().payload());
        }
    }

    @Test
    void redirectAndForwardedIHello() {
        List<Found> redirects = chunks(ChunkType.REDIRECT);
        List<Found> fihellos = chunks(ChunkType.FORWARDED_IHELLO);
        assertFalse(redirects.isEmpty());
        assertFalse(fihellos.isEmpty());
        for (Found f : redirects) {
            Redirect r = Redirect.decode(f.payload());
            assertEquals(16, r.tagEcho().length);
            assertFalse(r.destinations().isEmpty());
            assertEquals("127.0.0.1", r.destinations().get(0).address().getHostAddress());
            assertArrayEquals(f.payload(), r.toChunk().payload());
        }
        for (Found f : fihellos) {
            ForwardedIHello h = ForwardedIHello.decode(f.payload());
            assertEquals("210f", Hex.encode(h.epd()).substring(0, 4));
            assertEquals(PeerAddress.ORIGIN_OBSERVED, h.replyAddress().origin());
            assertEquals(16, h.tag().length);
            assertArrayEquals(f.payload(), h.toChunk().payload());
        }
    }

    @Test
    void sessionChunksParse() {
        int acks = 0;
        for (Found f : chunks(ChunkType.RANGE_ACK)) {
            Ack a = Ack.decode(new Chunk(ChunkType.RANGE_ACK, f.payload()));
            assertEquals(f.fields().get("flow_id").getAsLong(), a.flowId());
            assertArrayEquals(f.payload(), a.toChunk().payload());
            acks++;
        }
        assertTrue(acks > 5);
        for (Found f : chunks(ChunkType.USER_DATA)) {
            UserData u = UserData.decode(new Chunk(ChunkType.USER_DATA, f.payload()), null);
            assertEquals(f.fields().get("flow_id").getAsLong(), u.flowId());
            assertEquals(f.fields().get("sequence_number").getAsLong(), u.sequenceNumber());
            assertEquals(f.fields().get("fsn_offset").getAsLong(), u.fsnOffset());
            assertEquals(f.fields().get("data_hex").getAsString(), Hex.encode(u.data()));
            assertArrayEquals(f.payload(), u.toChunk().payload());
        }
        assertFalse(chunks(ChunkType.PING).isEmpty());
        for (Found f : chunks(ChunkType.PING_REPLY)) {
            assertTrue(Ping.decode(new Chunk(ChunkType.PING_REPLY, f.payload())).reply());
        }
        assertFalse(chunks(ChunkType.SESSION_CLOSE_ACK).isEmpty());
    }
}
