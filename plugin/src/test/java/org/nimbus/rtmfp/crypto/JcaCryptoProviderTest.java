package org.nimbus.rtmfp.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.nimbus.rtmfp.packet.PacketCipher;
import org.nimbus.rtmfp.packet.PacketMac;

class JcaCryptoProviderTest {
    private final JcaCryptoProvider crypto = new JcaCryptoProvider();

    // FIPS-197 Appendix C.1: AES-128 of 00112233...eeff under 000102...0f is 69c4e0d86a7b0430d8cdb78070b4c55a.
    // With a zero IV, the first CBC block is exactly that ECB block.
    @Test
    void everyPacketStartsAFreshCbcChainWithTheZeroIv() {
        HexFormat hex = HexFormat.of();
        PacketCipher aes = crypto.aes128Cbc(hex.parseHex("000102030405060708090a0b0c0d0e0f"));
        byte[] plain = hex.parseHex("00112233445566778899aabbccddeeff");
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(hex.parseHex("69c4e0d86a7b0430d8cdb78070b4c55a"), aes.encrypt(plain, 0, 16), "packet " + i);
            assertArrayEquals(plain, aes.decrypt(hex.parseHex("69c4e0d86a7b0430d8cdb78070b4c55a"), 0, 16));
        }
    }

    // RFC 4231 test case 2: HMAC-SHA256("Jefe", "what do ya want for nothing?"), truncated as negotiated.
    @Test
    void packetMacIsTruncatedHmacSha256OverTheGivenRange() {
        HexFormat hex = HexFormat.of();
        PacketMac mac = crypto.packetMac("Jefe".getBytes(), 10);
        byte[] framed = ("xx" + "what do ya want for nothing?" + "yy").getBytes();
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(hex.parseHex("5bdcc146bf60754e6a04"), mac.compute(framed, 2, framed.length - 4));
        }
    }

    @Test
    void freshDhKeysAgreeWithAnIndependentlyMadePeerKey() throws Exception {
        for (DhGroup group : new DhGroup[] {DhGroup.GROUP_2, DhGroup.GROUP_14}) {
            DhKeyPair a = crypto.generateDhKeyPair(group);
            BigInteger bx = new BigInteger(1, crypto.randomBytes(32));
            DhKeyPair b = crypto.dhKeyPair(group, bx);
            assertArrayEquals(a.sharedSecret(b.publicKey()), b.sharedSecret(a.publicKey()));
            assertEquals(group.publicKeyLength(), a.publicKey().length);
        }
    }
}
