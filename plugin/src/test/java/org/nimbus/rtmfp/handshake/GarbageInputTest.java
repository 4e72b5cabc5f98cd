package org.nimbus.rtmfp.handshake;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nimbus.rtmfp.crypto.CryptoProvider;
import org.nimbus.rtmfp.crypto.FlashCertificate;
import org.nimbus.rtmfp.crypto.JcaCryptoProvider;
import org.nimbus.rtmfp.crypto.KeyingComponent;
import org.nimbus.rtmfp.packet.Datagram;
import org.nimbus.rtmfp.packet.DatagramFraming;
import org.nimbus.rtmfp.packet.MalformedException;
import org.nimbus.rtmfp.packet.Packet;
import org.nimbus.rtmfp.packet.Vectors;

/**
 * Decoders see whatever the network sends: on random bytes, and on real packets with bits
 * flipped, bytes cut off or appended, each must either succeed or throw MalformedException,
 * never anything else. Fixed seed so a failure reproduces.
 */
class GarbageInputTest {
    private static final CryptoProvider CRYPTO = new JcaCryptoProvider();
    private static final int ROUNDS = 20_000;

    private interface Decoder {
        void decode(byte[] input) throws MalformedException;
    }

    private static final List<Decoder> DECODERS = List.of(
            Packet::decode,
            b -> Datagram.sessionId(b),
            b -> IHello.decode(b),
            b -> RHello.decode(b),
            b -> IIKeying.decode(b),
            b -> RIKeying.decode(b),
            b -> Redirect.decode(b),
            b -> ForwardedIHello.decode(b),
            b -> CookieChange.decode(b),
            b -> EndpointDiscriminator.parse(b),
            b -> FlashCertificate.parse(b),
            b -> KeyingComponent.parse(b));

    private static void survive(Decoder d, byte[] input) {
        try {
            d.decode(input);
        } catch (MalformedException expected) {
            // the one allowed failure
        } catch (Throwable t) {
            fail("decoder threw " + t + " on " + Vectors.hex(input), t);
        }
    }

    private static byte[] mutate(byte[] seed, Random r) {
        byte[] b;
        switch (r.nextInt(4)) {
            case 0 -> {
                b = seed.clone();
                for (int i = 1 + r.nextInt(3); i > 0 && b.length > 0; i--) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> b = Arrays.copyOf(seed, seed.length == 0 ? 0 : r.nextInt(seed.length));
            case 2 -> {
                b = Arrays.copyOf(seed, seed.length + 1 + r.nextInt(20));
                for (int i = seed.length; i < b.length; i++) {
                    b[i] = (byte) r.nextInt(256);
                }
            }
            default -> {
                b = new byte[r.nextInt(300)];
                r.nextBytes(b);
                if (b.length > 0 && r.nextBoolean()) {
                    b[0] = (byte) 0x81; // a VLU continuation up front reaches the long-field paths
                }
            }
        }
        return b;
    }

    @Test
    void decodersOnlyEverThrowMalformed() {
        List<byte[]> seeds = new ArrayList<>();
        for (Vectors.NamedPacket np : Vectors.packets()) {
            seeds.add(Vectors.hex(np.packet(), "packet_hex"));
            for (var c : np.packet().getAsJsonArray("chunks")) {
                seeds.add(Vectors.hex(c.getAsJsonObject(), "payload_hex"));
            }
        }
        Random r = new Random(7016);
        for (int i = 0; i < ROUNDS; i++) {
            byte[] input = mutate(seeds.get(r.nextInt(seeds.size())), r);
            for (Decoder d : DECODERS) {
                survive(d, input);
            }
        }
    }

    @Test
    void datagramOpeningOnlyEverThrowsMalformed() {
        List<Vectors.NamedPacket> packets = Vectors.packets();
        Random r = new Random(7425);
        int opened = 0;
        for (int i = 0; i < ROUNDS / 4; i++) {
            JsonObject p = packets.get(r.nextInt(packets.size())).packet();
            DatagramFraming f = new DatagramFraming(CRYPTO.aes128Cbc(Vectors.hex(p, "aes_key_hex")),
                    p.has("hmac_key_hex") ? CRYPTO.packetMac(Vectors.hex(p, "hmac_key_hex"), p.get("hmac_len").getAsInt()) : null,
                    p.has("session_sequence_number"));
            byte[] input = mutate(Vectors.hex(p, "datagram_hex"), r);
            try {
                f.open(input);
                opened++;
            } catch (MalformedException expected) {
                // fine
            } catch (Throwable t) {
                fail("open threw " + t + " on " + Vectors.hex(input), t);
            }
        }
        // appended bytes break the block length and flips break checksum/HMAC, so few survive
        assertTrue(opened < ROUNDS / 4 / 10, "too many mutated datagrams accepted: " + opened);
    }
}
