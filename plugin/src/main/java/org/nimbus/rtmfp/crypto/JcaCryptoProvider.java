package org.nimbus.rtmfp.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.nimbus.rtmfp.packet.MalformedException;
import org.nimbus.rtmfp.packet.PacketCipher;
import org.nimbus.rtmfp.packet.PacketMac;

/**
 * {@link CryptoProvider} on the JDK's own providers. Per-packet primitives (the session ciphers and
 * MACs) keep their own keyed JCA objects; one-off uses (handshake HMACs, hashes) use a per-thread
 * instance re-keyed per call.
 */
public final class JcaCryptoProvider implements CryptoProvider {
    private static final IvParameterSpec ZERO_IV = new IvParameterSpec(new byte[16]);
    private static final ThreadLocal<Mac> HMAC = ThreadLocal.withInitial(() -> jca(() -> Mac.getInstance("HmacSHA256")));
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> jca(() -> MessageDigest.getInstance("SHA-256")));

    private final SecureRandom random;

    public JcaCryptoProvider() {
        this(new SecureRandom());
    }

    public JcaCryptoProvider(SecureRandom random) {
        this.random = random;
    }

    private interface JcaCall<T> {
        T call() throws GeneralSecurityException;
    }

    /** JCA failures here mean a broken JDK (AES, HMAC-SHA256 and DH are mandatory), not bad input. */
    private static <T> T jca(JcaCall<T> call) {
        try {
            return call.call();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCA primitive unavailable", e);
        }
    }

    @Override
    public PacketCipher aes128Cbc(byte[] key) {
        if (key.length != 16) {
            throw new IllegalArgumentException("AES-128 key of " + key.length + " bytes");
        }
        return new KeyedAes(new SecretKeySpec(key, "AES"));
    }

    /**
     * One key's ciphers, each initialised once: doFinal returns a JCA cipher to its initialised
     * state, zero IV included, so every packet starts a fresh CBC chain without a new key
     * schedule. A session uses it from one thread; the lock only guards against misuse.
     */
    private static final class KeyedAes implements PacketCipher {
        private final SecretKeySpec spec;
        private Cipher encryptor;
        private Cipher decryptor;

        KeyedAes(SecretKeySpec spec) {
            this.spec = spec;
        }

        @Override
        public synchronized byte[] encrypt(byte[] in, int off, int len) {
            if (encryptor == null) {
                encryptor = init(Cipher.ENCRYPT_MODE);
            }
            return run(encryptor, in, off, len);
        }

        @Override
        public synchronized byte[] decrypt(byte[] in, int off, int len) {
            if (decryptor == null) {
                decryptor = init(Cipher.DECRYPT_MODE);
            }
            return run(decryptor, in, off, len);
        }

        private Cipher init(int mode) {
            return jca(() -> {
                Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
                c.init(mode, spec, ZERO_IV);
                return c;
            });
        }

        private static byte[] run(Cipher c, byte[] in, int off, int len) {
            if (len % 16 != 0) {
                throw new IllegalArgumentException("AES-CBC input of " + len + " bytes");
            }
            return jca(() -> c.doFinal(in, off, len));
        }
    }

    /** The negotiated packet MAC with its key schedule done once; no copy of the data per packet. */
    @Override
    public PacketMac packetMac(byte[] key, int length) {
        if (length < 1 || length > 32) {
            throw new IllegalArgumentException("HMAC length " + length);
        }
        Mac mac = jca(() -> {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
            return m;
        });
        return new PacketMac() {
            @Override
            public int length() {
                return length;
            }

            @Override
            public synchronized byte[] compute(byte[] in, int off, int len) {
                mac.update(in, off, len);
                return Arrays.copyOf(mac.doFinal(), length);
            }
        };
    }

    @Override
    public byte[] hmacSha256(byte[] key, byte[] message) {
        // HMAC zero-pads its key, so an empty key equals a single zero byte; JCA refuses empty keys.
        SecretKeySpec spec = new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256");
        Mac mac = HMAC.get();
        return jca(() -> {
            mac.init(spec);
            return mac.doFinal(message);
        });
    }

    @Override
    public byte[] sha256(byte[] message) {
        return SHA256.get().digest(message);
    }

    @Override
    public void randomBytes(byte[] out) {
        random.nextBytes(out);
    }

    /** A fresh private exponent of the group's {@link DhGroup#privateExponentBits() length}, top bit set. */
    @Override
    public DhKeyPair generateDhKeyPair(DhGroup group) {
        int bits = group.privateExponentBits();
        BigInteger x = new BigInteger(bits, random).setBit(bits - 1);
        return dhKeyPair(group, x);
    }

    /**
     * Our public key g^x from the group's {@linkplain FixedBasePower table of generator powers}
     * when x has the length we draw (every server handshake), else by {@code modPow} (test
     * vectors with other lengths).
     */
    @Override
    public DhKeyPair dhKeyPair(DhGroup group, BigInteger privateExponent) {
        FixedBasePower powers = FixedBasePower.ofGenerator(group);
        BigInteger publicValue = powers.covers(privateExponent)
                ? powers.pow(privateExponent)
                : DhGroup.GENERATOR.modPow(privateExponent, group.prime());
        return new ModPowKeyPair(group, privateExponent, publicValue);
    }

    /**
     * A DH key on {@link BigInteger} (the JDK's own DH key agreement does the same modPow, behind
     * key factories, key specs and provider look-ups that cost a handshake more than they add):
     * g^x once for our public key, y^x for the secret.
     */
    private static final class ModPowKeyPair implements DhKeyPair {
        private final DhGroup group;
        private final BigInteger privateExponent;
        private final BigInteger publicValue;

        ModPowKeyPair(DhGroup group, BigInteger privateExponent, BigInteger publicValue) {
            this.group = group;
            this.privateExponent = privateExponent;
            this.publicValue = publicValue;
        }

        @Override
        public DhGroup group() {
            return group;
        }

        @Override
        public byte[] publicKey() {
            return Bytes.fixedLength(publicValue, group.publicKeyLength());
        }

        @Override
        public byte[] sharedSecret(byte[] peerPublicKey) throws MalformedException {
            if (peerPublicKey.length == 0 || peerPublicKey.length > group.publicKeyLength()) {
                throw new MalformedException("DH public key of " + peerPublicKey.length + " bytes for group " + group.id());
            }
            BigInteger y = new BigInteger(1, peerPublicKey);
            // [2, p-2] rules out the keys that force the secret to 0, 1 or p-1 (RFC 2631 §2.1.5);
            // the MODP primes are safe primes, so no other small subgroup exists.
            if (y.compareTo(BigInteger.TWO) < 0 || y.compareTo(group.prime().subtract(BigInteger.TWO)) > 0) {
                throw new MalformedException("DH public key out of range");
            }
            // minimal big-endian form, as RFC 7425 §4.6 feeds the secret to HMAC
            return Bytes.minimal(y.modPow(privateExponent, group.prime()).toByteArray());
        }
    }

    private static final class Bytes {
        private Bytes() {
        }

        /** Strips leading zero bytes: JCA pads DH secrets to the prime's length, RFC 7425 uses the minimal form. */
        static byte[] minimal(byte[] b) {
            int i = 0;
            while (i < b.length - 1 && b[i] == 0) {
                i++;
            }
            return i == 0 ? b : Arrays.copyOfRange(b, i, b.length);
        }

        static byte[] fixedLength(BigInteger v, int length) {
            byte[] raw = v.toByteArray();
            if (raw.length == length) {
                return raw;
            }
            byte[] out = new byte[length];
            int copy = Math.min(raw.length, length);
            System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
            return out;
        }
    }
}
