package org.nimbus.conformance.wire;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nimbus.conformance.Vectors;
import org.nimbus.conformance.Vectors.Pkt;

/** Every captured datagram: unscramble, verify, decrypt, and re-encrypt byte for byte (RFC 7425 §4.4). */
class DatagramVectorTest {

    static CryptoDirection direction(Pkt p) {
        byte[] hmacKey = p.has("hmac_key_hex") ? p.bytes("hmac_key_hex") : null;
        int hmacLen = p.has("hmac_len") ? p.json().get("hmac_len").getAsInt() : 0;
        return new CryptoDirection(p.bytes("aes_key_hex"), hmacKey, hmacLen, p.has("session_sequence_number"));
    }

    @Test
    void coversEveryFile() {
        List<Pkt> all = Vectors.allPackets();
        assertEquals(214, all.size(), "README lists 214 packets in 6 files");
    }

    @TestFactory
    Stream<DynamicTest> decryptMatchesCapture() {
        return Vectors.allPackets().stream().map(p -> DynamicTest.dynamicTest("decrypt " + p, () -> {
            byte[] datagram = p.bytes("datagram_hex");
            DatagramCodec.Decoded d = DatagramCodec.decode(datagram, direction(p));
            assertEquals(p.str("session_id_hex"), String.format("%08x", d.sessionId()));
            assertEquals(p.str("decrypted_hex"), Hex.encode(d.decrypted()));
            assertEquals(p.json().get("packet_offset_in_decrypted").getAsInt(), d.packetOffset());
            assertEquals(p.str("packet_hex"), Hex.encode(d.packetBytes()));
            if (p.has("session_sequence_number")) {
                assertEquals(p.json().get("session_sequence_number").getAsLong(), d.ssn());
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> reencryptMatchesCapture() {
        return Vectors.allPackets().stream().map(p -> DynamicTest.dynamicTest("encrypt " + p, () -> {
            int sid = (int) Long.parseLong(p.str("session_id_hex"), 16);
            long ssn = p.has("session_sequence_number") ? p.json().get("session_sequence_number").getAsLong() : 0;
            byte[] out = DatagramCodec.encode(sid, p.bytes("packet_hex"), direction(p), ssn);
            assertEquals(p.str("datagram_hex"), Hex.encode(out));
        }));
    }

    @TestFactory
    Stream<DynamicTest> flippedBitIsRejected() {
        // Integrity: one flipped ciphertext bit must fail the checksum or the HMAC.
        return Vectors.allPackets().stream().filter(p -> p.json().get("index").getAsInt() % 5 == 0)
                .map(p -> DynamicTest.dynamicTest("tamper " + p, () -> {
                    byte[] datagram = p.bytes("datagram_hex");
                    datagram[datagram.length / 2] ^= 0x10;
                    assertThrows(WireFormatException.class, () -> DatagramCodec.decode(datagram, direction(p)));
                }));
    }

    @Test
    void oddLengthChecksumAddsLastByteAsLowOrder() {
        // 0x0102 + 0x0003 = 0x0105 -> complement 0xfefa; as a high byte it would be 0x0402 -> 0xfbfd.
        assertEquals(0xfefa, Checksum.compute(new byte[] {1, 2, 3}, 0, 3));
    }

    @Test
    void oddLengthChecksumRoundTripsWithSsn() {
        // HMAC off, SSN on with a two-byte VLU: the checksummed span has odd length in general.
        CryptoDirection dir = new CryptoDirection(new byte[16], null, 0, true);
        byte[] packet = Hex.decode("4a0001" + "0c0000");
        byte[] d = DatagramCodec.encode(7, packet, dir, 200);
        DatagramCodec.Decoded back = DatagramCodec.decode(d, dir);
        assertEquals(200, back.ssn());
        assertEquals(7, back.sessionId());
        assertEquals(Hex.encode(packet), Hex.encode(back.packetBytes()).substring(0, packet.length * 2));
    }
}
