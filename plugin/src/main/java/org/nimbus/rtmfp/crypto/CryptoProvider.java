package org.nimbus.rtmfp.crypto;

import java.math.BigInteger;
import org.nimbus.rtmfp.packet.PacketCipher;
import org.nimbus.rtmfp.packet.PacketMac;

/**
 * The primitives the Flash crypto profile (RFC 7425 §4) needs, behind one interface so that the
 * JCA implementation ({@link JcaCryptoProvider}) can be swapped for another library. Implementations
 * must be safe to call from several threads.
 */
public interface CryptoProvider {
    /** AES-128-CBC, zero IV, no padding, for both directions of one key. */
    PacketCipher aes128Cbc(byte[] key);

    byte[] hmacSha256(byte[] key, byte[] message);

    byte[] sha256(byte[] message);

    void randomBytes(byte[] out);

    /** A fresh ephemeral key pair. */
    DhKeyPair generateDhKeyPair(DhGroup group);

    /** The key pair of a known private exponent (test vectors, or a peer implementation in tests). */
    DhKeyPair dhKeyPair(DhGroup group, BigInteger privateExponent);

    /** HMAC-SHA256 under {@code key}, truncated to {@code length} bytes: the negotiated packet MAC. */
    default PacketMac packetMac(byte[] key, int length) {
        if (length < 1 || length > 32) {
            throw new IllegalArgumentException("HMAC length " + length);
        }
        byte[] k = key.clone();
        return new PacketMac() {
            @Override
            public int length() {
                return length;
            }

            @Override
            public byte[] compute(byte[] in, int off, int len) {
                byte[] message = java.util.Arrays.copyOfRange(in, off, off + len);
                return java.util.Arrays.copyOf(hmacSha256(k, message), length);
            }
        };
    }

    default byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        randomBytes(b);
        return b;
    }
}
