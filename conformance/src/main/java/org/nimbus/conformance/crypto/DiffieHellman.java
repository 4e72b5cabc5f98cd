package org.nimbus.conformance.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;

/** One side's DH key pair in a MODP group (RFC 7425 §4.2). */
public final class DiffieHellman {
    private final DhGroup group;
    private final BigInteger privateKey;
    private final BigInteger publicKey;

    private DiffieHellman(DhGroup group, BigInteger privateKey) {
        this.group = group;
        this.privateKey = privateKey;
        this.publicKey = DhGroup.GENERATOR.modPow(privateKey, group.prime());
    }

    public static DiffieHellman fromPrivate(DhGroup group, byte[] privateKey) {
        return new DiffieHellman(group, new BigInteger(1, privateKey));
    }

    /**
     * A fresh key pair. Draws again while the public key would have a leading zero byte, so that
     * its fixed-length and minimal encodings agree and no peer has to choose between them.
     */
    public static DiffieHellman generate(DhGroup group, SecureRandom random) {
        return generate(group, random, group.bits);
    }

    /**
     * A fresh key pair whose private exponent has {@code exponentBits} bits (at most the prime's):
     * the full length above, as the OpenSSL-based clients draw them; shorter for a load
     * generator that wants its own CPU spent on the server's answers, not on its keys.
     */
    public static DiffieHellman generate(DhGroup group, SecureRandom random, int exponentBits) {
        if (exponentBits < 64 || exponentBits > group.bits) {
            throw new IllegalArgumentException("exponent of " + exponentBits + " bits in a " + group.bits + "-bit group");
        }
        while (true) {
            BigInteger x = new BigInteger(exponentBits, random);
            if (x.bitLength() < exponentBits - 64) {
                continue;
            }
            DiffieHellman dh = new DiffieHellman(group, x);
            if (dh.publicKey.bitLength() > group.bits - 8) {
                return dh;
            }
        }
    }

    public DhGroup group() {
        return group;
    }

    /** Public key, big-endian, left-padded to the prime's length. */
    public byte[] publicKey() {
        return fixed(publicKey, group.byteLength());
    }

    /**
     * The shared secret as RFC 7425 §4.6 uses it: the minimal big-endian encoding (a secret with
     * leading zero bytes is shorter than the prime).
     */
    public byte[] sharedSecret(byte[] peerPublic) {
        BigInteger y = new BigInteger(1, peerPublic);
        BigInteger p = group.prime();
        if (y.compareTo(BigInteger.ONE) <= 0 || y.compareTo(p.subtract(BigInteger.ONE)) >= 0) {
            throw new IllegalArgumentException("peer DH public key out of range");
        }
        return minimal(y.modPow(privateKey, p));
    }

    static byte[] minimal(BigInteger v) {
        byte[] b = v.toByteArray();
        int i = 0;
        while (i < b.length - 1 && b[i] == 0) {
            i++;
        }
        return Arrays.copyOfRange(b, i, b.length);
    }

    static byte[] fixed(BigInteger v, int length) {
        byte[] m = minimal(v);
        byte[] out = new byte[length];
        System.arraycopy(m, 0, out, length - m.length, m.length);
        return out;
    }
}
