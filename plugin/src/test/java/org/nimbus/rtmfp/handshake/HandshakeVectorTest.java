package org.nimbus.rtmfp.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.MalformedException;
import org.nimbus.rtmfp.packet.Vectors;

/** Every handshake chunk of every vector file, decoded against its listed fields and re-encoded (README item 2). */
class HandshakeVectorTest {
    private static final Set<Integer> HANDSHAKE = Set.of(0x30, 0x70, 0x38, 0x78, 0x71, 0x0f, 0x79);

    @TestFactory
    Stream<DynamicTest> everyHandshakeChunk() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Vectors.NamedPacket np : Vectors.packets()) {
            for (JsonElement e : np.packet().getAsJsonArray("chunks")) {
                JsonObject c = e.getAsJsonObject();
                if (HANDSHAKE.contains(c.get("type").getAsInt())) {
                    tests.add(DynamicTest.dynamicTest(np.name() + " " + c.get("name").getAsString(), () -> check(c)));
                }
            }
        }
        assertTrue(tests.size() >= 40, "handshake chunks found: " + tests.size());
        return tests.stream();
    }

    private static void check(JsonObject c) throws MalformedException {
        byte[] payload = Vectors.hex(c, "payload_hex");
        JsonObject f = c.getAsJsonObject("fields");
        byte[] reencoded;
        switch (c.get("type").getAsInt()) {
            case Chunk.IHELLO -> {
                IHello h = IHello.decode(payload);
                assertArrayEquals(Vectors.hex(f, "epd_hex"), h.epd());
                assertArrayEquals(Vectors.hex(f, "tag_hex"), h.tag());
                checkEpd(EndpointDiscriminator.parse(h.epd()), f.getAsJsonArray("epd_options"));
                reencoded = h.encode();
            }
            case Chunk.FORWARDED_IHELLO -> {
                ForwardedIHello h = ForwardedIHello.decode(payload);
                assertArrayEquals(Vectors.hex(f, "epd_hex"), h.epd());
                assertArrayEquals(Vectors.hex(f, "tag_hex"), h.tag());
                checkAddress(h.replyAddress(), f.getAsJsonObject("reply_address"));
                EndpointDiscriminator epd = EndpointDiscriminator.parse(h.epd());
                assertTrue(epd.namesPeer());
                assertArrayEquals(EndpointDiscriminator.forPeer(epd.fingerprint()), h.epd()); // exactly 21 0f <32>
                reencoded = h.encode();
            }
            case Chunk.RHELLO -> {
                RHello h = RHello.decode(payload);
                assertArrayEquals(Vectors.hex(f, "tag_echo_hex"), h.tagEcho());
                assertArrayEquals(Vectors.hex(f, "cookie_hex"), h.cookie());
                assertArrayEquals(Vectors.hex(f, "certificate_hex"), h.certificate());
                reencoded = h.encode();
            }
            case Chunk.REDIRECT -> {
                Redirect r = Redirect.decode(payload);
                assertArrayEquals(Vectors.hex(f, "tag_echo_hex"), r.tagEcho());
                JsonArray addresses = f.getAsJsonArray("addresses");
                assertEquals(addresses.size(), r.addresses().size());
                for (int i = 0; i < addresses.size(); i++) {
                    checkAddress(r.addresses().get(i), addresses.get(i).getAsJsonObject());
                }
                reencoded = r.encode();
            }
            case Chunk.IIKEYING -> {
                IIKeying k = IIKeying.decode(payload);
                assertEquals(f.get("initiator_session_id_hex").getAsString(), String.format("%08x", k.initiatorSessionId()));
                assertArrayEquals(Vectors.hex(f, "cookie_hex"), k.cookie());
                assertArrayEquals(Vectors.hex(f, "certificate_hex"), k.certificate());
                assertArrayEquals(Vectors.hex(f, "skic_hex"), k.skic());
                assertArrayEquals(Vectors.hex(f, "signature_hex"), k.signature());
                reencoded = k.encode();
            }
            case Chunk.RIKEYING -> {
                RIKeying k = RIKeying.decode(payload);
                assertEquals(f.get("responder_session_id_hex").getAsString(), String.format("%08x", k.responderSessionId()));
                assertArrayEquals(Vectors.hex(f, "skrc_hex"), k.skrc());
                assertArrayEquals(Vectors.hex(f, "signature_hex"), k.signature());
                reencoded = k.encode();
            }
            default -> {
                CookieChange cc = CookieChange.decode(payload);
                reencoded = cc.encode();
            }
        }
        assertArrayEquals(payload, reencoded);
    }

    private static void checkEpd(EndpointDiscriminator epd, JsonArray options) {
        for (JsonElement e : options) {
            JsonObject o = e.getAsJsonObject();
            if (!o.has("type")) {
                continue;
            }
            switch (o.get("type").getAsInt()) {
                case EndpointDiscriminator.ANCILLARY_DATA -> assertEquals(o.get("value_text").getAsString(), epd.ancillaryText());
                case EndpointDiscriminator.FINGERPRINT -> assertArrayEquals(Vectors.hex(o, "value_hex"), epd.fingerprint());
                default -> {
                }
            }
        }
    }

    private static void checkAddress(PeerAddress a, JsonObject o) {
        assertEquals(o.get("port").getAsInt(), a.port());
        assertEquals(Integer.parseInt(o.get("flags_hex").getAsString(), 16) & 3, a.origin());
        assertTrue(o.get("origin").getAsString().contains("(" + a.origin() + ")"));
        assertEquals(o.get("ip").getAsString(), a.ip().getHostAddress());
        byte[] raw = new byte[a.size()];
        a.write(java.nio.ByteBuffer.wrap(raw));
        assertArrayEquals(Vectors.hex(o, "address_hex"), raw);
    }

    /** README set 1 facts: Mona's cookie is 64 bytes; librtmfp's IIKeying and Mona's RIKeying layouts. */
    @Test
    void librtmfpAndMonaLayouts() throws MalformedException {
        for (JsonElement run : Vectors.file("startup-librtmfp-mona.json").getAsJsonArray("runs")) {
            JsonArray hs = run.getAsJsonObject().getAsJsonArray("handshake_packets");
            byte[] rhello = chunkPayload(hs.get(1));
            assertEquals(64, RHello.decode(rhello).cookie().length);
            String iikeying = Vectors.hex(chunkPayload(hs.get(2)));
            assertTrue(iikeying.matches("02000000" + "40[0-9a-f]{128}" + "8104" + "81021d02[0-9a-f]{256}" + "4c[0-9a-f]{152}" + "58"), iikeying);
            String rikeying = Vectors.hex(chunkPayload(hs.get(3)));
            assertTrue(rikeying.matches("[0-9a-f]{8}" + "810b" + "031a0000" + "021e00" + "81020d02[0-9a-f]{256}" + "58"), rikeying);
        }
    }

    @Test
    void epdForms() throws MalformedException {
        assertEquals("live", EndpointDiscriminator.parse(Vectors.hex("050a6c697665")).ancillaryText());
        EndpointDiscriminator empty = EndpointDiscriminator.parse(Vectors.hex("010a"));
        assertEquals("", empty.ancillaryText());
        assertNull(empty.fingerprint());
        String uri = "rtmfp://127.0.0.1:19350/live";
        JsonObject hs = Vectors.file("session-probe-tcserver-HS-g2.json").getAsJsonObject("handshake");
        assertEquals(uri, EndpointDiscriminator.parse(Vectors.hex(hs, "epd_hex")).ancillaryText());
        org.junit.jupiter.api.Assertions.assertThrows(MalformedException.class, () -> EndpointDiscriminator.parse(Vectors.hex("020e01")));
        org.junit.jupiter.api.Assertions.assertThrows(MalformedException.class, () -> EndpointDiscriminator.parse(Vectors.hex("030f0102")));
    }

    private static byte[] chunkPayload(JsonElement packet) {
        return Vectors.hex(packet.getAsJsonObject().getAsJsonArray("chunks").get(0).getAsJsonObject(), "payload_hex");
    }

    /** Startup datagrams of set 1 reseal byte for byte from their chunk and timestamp. */
    @Test
    void startupPacketsReseal() throws MalformedException {
        StartupPackets startup = new StartupPackets(new org.nimbus.rtmfp.crypto.JcaCryptoProvider());
        for (JsonElement run : Vectors.file("startup-librtmfp-mona.json").getAsJsonArray("runs")) {
            for (JsonElement e : run.getAsJsonObject().getAsJsonArray("handshake_packets")) {
                JsonObject p = e.getAsJsonObject();
                byte[] datagram = Vectors.hex(p, "datagram_hex");
                var opened = startup.open(datagram, 0, datagram.length);
                assertEquals(org.nimbus.rtmfp.packet.PacketHeader.MODE_STARTUP, opened.packet().header().mode());
                int ts = opened.packet().header().timestamp();
                Chunk chunk = opened.packet().chunks().get(0);
                assertArrayEquals(datagram, startup.seal(opened.sessionId(), chunk, ts * 4L));
            }
        }
    }
}
