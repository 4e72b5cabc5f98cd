package org.nimbus.rtmfp.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nimbus.rtmfp.crypto.CryptoProvider;
import org.nimbus.rtmfp.crypto.JcaCryptoProvider;

class ChecksumAndFramingTest {
    private static final CryptoProvider CRYPTO = new JcaCryptoProvider();

    /** docs/vectors/startup-librtmfp-mona.json "worked_example": the checksum of the words it lists. */
    @Test
    void workedExampleFromVectors() throws MalformedException {
        JsonObject example = Vectors.file("startup-librtmfp-mona.json").getAsJsonObject("worked_example");
        JsonArray words = example.getAsJsonArray("checksum_words");
        byte[] data = new byte[words.size() * 2];
        for (int i = 0; i < words.size(); i++) {
            System.arraycopy(Vectors.hex(words.get(i).getAsString()), 0, data, 2 * i, 2);
        }
        String value = example.get("checksum_value").getAsString();
        assertEquals(Integer.parseInt(value.substring(2, 6), 16), Checksum.compute(data, 0, data.length));
        assertEquals(0, Datagram.sessionId(Vectors.hex("b474b467b9c06c680db4d80f")) );
    }

    /** Odd length: 01 02 03 sums as 0x0102 + 0x0003 (low-order byte) = 0x0105; complement 0xfefa. */
    @Test
    void oddTrailingByteIsLowOrder() {
        assertEquals(0xfefa, Checksum.compute(new byte[] {1, 2, 3}, 0, 3));
        // RFC 1071's high-order padding would give ~(0x0102 + 0x0300) = 0xfbfd: make sure we differ
        assertEquals(0xffff, Checksum.compute(new byte[0], 0, 0));
        // carries fold back: ffff + 0001 = 1 0000 -> 0001, complement fffe
        assertEquals(0xfffe, Checksum.compute(new byte[] {(byte) 0xff, (byte) 0xff, 0, 1}, 0, 4));
    }

    /** HMAC off, SSN on, 1-byte SSN: the checksum covers 16n - 3 bytes, the odd case no vector has. */
    @Test
    void sequenceNumberWithChecksumRoundTripsOverOddLength() throws MalformedException {
        DatagramFraming f = new DatagramFraming(CRYPTO.aes128Cbc(new byte[16]), null, true);
        Packet p = Packet.of(new PacketHeader(0x4a, 1234, 0), new Chunk(Chunk.PING, new byte[] {1, 2, 3}));
        byte[] datagram = f.seal(0x01020304, 5, p);
        byte[] plain = CRYPTO.aes128Cbc(new byte[16]).decrypt(datagram, 4, datagram.length - 4);
        assertEquals(5, plain[0]);
        assertEquals(1, (plain.length - 3) % 2);
        // independent sum over big-endian words, odd byte low-order, as the vectors README defines it
        long sum = 0;
        for (int i = 3; i < plain.length; i += 2) {
            sum += i + 1 < plain.length ? ((plain[i] & 0xff) << 8) | (plain[i + 1] & 0xff) : plain[i] & 0xff;
        }
        while (sum > 0xffff) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        assertEquals(~sum & 0xffff, ((plain[1] & 0xff) << 8) | (plain[2] & 0xff));
        DatagramFraming.Opened o = f.open(datagram);
        assertEquals(0x01020304, o.sessionId());
        assertEquals(5, o.sequenceNumber());
        assertEquals(p, o.packet());
    }

    @Test
    void hmacFramingRejectsTruncationAndTampering() throws MalformedException {
        DatagramFraming f = new DatagramFraming(CRYPTO.aes128Cbc(new byte[16]), CRYPTO.packetMac(new byte[32], 10), true);
        Packet p = Packet.of(new PacketHeader(0x4e, 1, 2), new Chunk(Chunk.PING_REPLY, new byte[20]));
        byte[] d = f.seal(7, 300, p);
        assertEquals(4 + 32 + 10, d.length);
        assertEquals(p, f.open(d).packet());
        assertEquals(300, f.open(d).sequenceNumber());
        assertThrows(MalformedException.class, () -> f.open(Arrays.copyOf(d, d.length - 1)));
        byte[] t = d.clone();
        t[t.length - 1] ^= 1;
        assertThrows(MalformedException.class, () -> f.open(t));
        // 1192 - 4 (session ID) - 10 (HMAC) = 1178 -> 73 blocks = 1168, less a 2-byte SSN: 1166
        int max = f.maxPacketSize(Datagram.MAX_SEND_SIZE, 300);
        assertEquals(1166, max);
        Packet fits = Packet.of(new PacketHeader(0x4a, 1, 0), new Chunk(Chunk.PING, new byte[max - 3 - 3]));
        assertEquals(max, fits.size());
        org.junit.jupiter.api.Assertions.assertTrue(f.seal(7, 300, fits).length <= Datagram.MAX_SEND_SIZE);
        Packet over = Packet.of(new PacketHeader(0x4a, 1, 0), new Chunk(Chunk.PING, new byte[max - 3 - 3 + 1]));
        org.junit.jupiter.api.Assertions.assertTrue(f.seal(7, 300, over).length > Datagram.MAX_SEND_SIZE);
    }

    @Test
    void headerAndChunkErrors() {
        assertThrows(MalformedException.class, () -> Packet.decode(new byte[0]));
        assertThrows(MalformedException.class, () -> Packet.decode(new byte[] {0x08}));            // mode 0
        assertThrows(MalformedException.class, () -> Packet.decode(new byte[] {0x0b, 0x01}));      // truncated timestamp
        assertThrows(MalformedException.class, () -> Packet.decode(new byte[] {0x0b, 0, 1, 0x30, 0}));     // partial chunk header
        assertThrows(MalformedException.class, () -> Packet.decode(new byte[] {0x0b, 0, 1, 0x30, 0, 5, 1})); // overlong chunk
    }

    @Test
    void paddingEndsThePacket() throws MalformedException {
        Packet p = Packet.decode(new byte[] {0x0b, 0, 1, 0x01, 0, 1, 9, (byte) 0xff, 0x30, 0x00});
        assertEquals(1, p.chunks().size());
        assertArrayEquals(new byte[] {9}, p.chunks().get(0).payload());
        assertEquals(PacketHeader.MODE_STARTUP, p.header().mode());
        assertEquals(1, p.header().timestamp());
    }

    @Test
    void timestampsCountFourMillisecondsAndWrap() {
        assertEquals(0, PacketHeader.timestampAt(3));
        assertEquals(1, PacketHeader.timestampAt(4));
        assertEquals(0xffff, PacketHeader.timestampAt(4L * 0xffff));
        assertEquals(0, PacketHeader.timestampAt(4L * 0x10000));
        assertEquals(0x0b, PacketHeader.startup(7).flags());
    }

    /** Set 2 default-g2: SSNs count 0, 1, 2, ... in each direction (README "Facts worth a test"). */
    @Test
    void sequenceNumbersInVectorsCountUp() throws MalformedException {
        JsonArray packets = Vectors.file("session-probe-tcserver-default-g2.json").getAsJsonArray("packets");
        long[] next = {0, 0};
        for (int i = 4; i < packets.size(); i++) {
            JsonObject p = packets.get(i).getAsJsonObject();
            int dir = p.get("direction").getAsString().startsWith("client") ? 0 : 1;
            DatagramFraming f = new DatagramFraming(CRYPTO.aes128Cbc(Vectors.hex(p, "aes_key_hex")),
                    CRYPTO.packetMac(Vectors.hex(p, "hmac_key_hex"), p.get("hmac_len").getAsInt()), true);
            assertEquals(next[dir]++, f.open(Vectors.hex(p, "datagram_hex")).sequenceNumber());
        }
    }
}
