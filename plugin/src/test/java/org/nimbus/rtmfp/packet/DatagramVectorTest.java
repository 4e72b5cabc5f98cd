package org.nimbus.rtmfp.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nimbus.rtmfp.crypto.CryptoProvider;
import org.nimbus.rtmfp.crypto.JcaCryptoProvider;

/**
 * Every captured datagram (docs/vectors/README.md "What a Nimbus test should check", item 1):
 * unscramble, decrypt, verify checksum or HMAC and SSN, parse header and chunks, then seal the
 * packet again and get the captured datagram byte for byte.
 */
class DatagramVectorTest {
    private static final CryptoProvider CRYPTO = new JcaCryptoProvider();

    private static DatagramFraming framingFor(JsonObject p) {
        PacketMac mac = p.has("hmac_key_hex")
                ? CRYPTO.packetMac(Vectors.hex(p, "hmac_key_hex"), p.get("hmac_len").getAsInt()) : null;
        return new DatagramFraming(CRYPTO.aes128Cbc(Vectors.hex(p, "aes_key_hex")), mac, p.has("session_sequence_number"));
    }

    @Test
    void allSixFilesHoldTheAdvertisedPacketCount() {
        assertEquals(214, Vectors.packets().size());
    }

    @TestFactory
    Stream<DynamicTest> everyDatagramOpensAndReseals() {
        return Vectors.packets().stream().map(np -> DynamicTest.dynamicTest(np.name(), () -> check(np.packet())));
    }

    private static void check(JsonObject p) throws MalformedException {
        byte[] datagram = Vectors.hex(p, "datagram_hex");
        int sessionId = (int) Long.parseLong(p.get("session_id_hex").getAsString(), 16);
        assertEquals(sessionId, Datagram.sessionId(datagram));

        byte[] cipherText = Vectors.hex(p, "ciphertext_hex");
        assertArrayEquals(Vectors.hex(p, "decrypted_hex"),
                CRYPTO.aes128Cbc(Vectors.hex(p, "aes_key_hex")).decrypt(cipherText, 0, cipherText.length));

        DatagramFraming framing = framingFor(p);
        DatagramFraming.Opened opened = framing.open(datagram);
        assertEquals(sessionId, opened.sessionId());
        long ssn = p.has("session_sequence_number") ? p.get("session_sequence_number").getAsLong() : DatagramFraming.NO_SEQUENCE_NUMBER;
        assertEquals(ssn, opened.sequenceNumber());

        JsonObject header = p.getAsJsonObject("header");
        PacketHeader h = opened.packet().header();
        assertEquals(Integer.parseInt(header.get("flags_hex").getAsString(), 16), h.flags());
        assertEquals(header.get("mode").getAsInt(), h.mode());
        assertEquals(header.get("timestamp_present").getAsBoolean(), h.hasTimestamp());
        assertEquals(header.get("timestamp_echo_present").getAsBoolean(), h.hasTimestampEcho());
        assertEquals(header.get("time_critical").getAsBoolean(), h.timeCritical());
        assertEquals(header.get("time_critical_reverse").getAsBoolean(), h.timeCriticalReverse());
        if (h.hasTimestamp()) {
            assertEquals(header.get("timestamp").getAsInt(), h.timestamp());
        }
        if (h.hasTimestampEcho()) {
            assertEquals(header.get("timestamp_echo").getAsInt(), h.timestampEcho());
        }

        JsonArray chunks = p.getAsJsonArray("chunks");
        List<Chunk> decoded = opened.packet().chunks();
        assertEquals(chunks.size(), decoded.size());
        for (int i = 0; i < chunks.size(); i++) {
            JsonObject c = chunks.get(i).getAsJsonObject();
            assertEquals(c.get("type").getAsInt(), decoded.get(i).type());
            assertEquals(c.get("length").getAsInt(), decoded.get(i).payload().length);
            assertArrayEquals(Vectors.hex(c, "payload_hex"), decoded.get(i).payload());
        }

        byte[] packetHex = Vectors.hex(p, "packet_hex");
        byte[] padding = Vectors.hex(p, "padding_hex");
        for (byte b : padding) {
            assertEquals((byte) 0xff, b);
        }
        assertArrayEquals(Arrays.copyOf(packetHex, packetHex.length - padding.length), opened.packet().encode());

        if (p.has("checksum_hex")) {
            byte[] decrypted = Vectors.hex(p, "decrypted_hex");
            int at = p.get("packet_offset_in_decrypted").getAsInt() - 2;
            int sum = Checksum.compute(decrypted, at + 2, decrypted.length - at - 2);
            assertEquals(p.get("checksum_hex").getAsString(), String.format("%04x", sum));
        }
        if (p.has("hmac_hex")) {
            assertArrayEquals(Vectors.hex(p, "hmac_hex"),
                    CRYPTO.packetMac(Vectors.hex(p, "hmac_key_hex"), p.get("hmac_len").getAsInt()).compute(cipherText, 0, cipherText.length));
        }

        assertArrayEquals(datagram, framing.seal(sessionId, ssn, opened.packet()));
    }

    @Test
    void tamperedDatagramsAreRejectedByChecksumOrHmac() {
        int checked = 0;
        for (Vectors.NamedPacket np : Vectors.packets()) {
            byte[] datagram = Vectors.hex(np.packet(), "datagram_hex");
            // flip one bit in the last ciphertext block: CBC garbles that block, the checksum or HMAC must notice
            int macLen = np.packet().has("hmac_len") ? np.packet().get("hmac_len").getAsInt() : 0;
            datagram[datagram.length - macLen - 1] ^= 0x01;
            DatagramFraming framing = framingFor(np.packet());
            try {
                framing.open(datagram);
            } catch (MalformedException expected) {
                checked++;
            }
        }
        assertEquals(Vectors.packets().size(), checked);
    }

    @Test
    void wrongKeyIsMalformedNotAnException() {
        JsonObject p = Vectors.packets().get(0).packet();
        byte[] datagram = Vectors.hex(p, "datagram_hex");
        DatagramFraming wrong = DatagramFraming.checksummed(CRYPTO.aes128Cbc(new byte[16]));
        // about 1 in 65536 random plaintexts pass a checksum; this fixed one does not
        org.junit.jupiter.api.Assertions.assertThrows(MalformedException.class, () -> wrong.open(datagram));
        assertTrue(datagram.length > Datagram.MIN_SIZE);
    }
}
