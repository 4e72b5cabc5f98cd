package org.nimbus.rtmfp.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.DHPrivateKeySpec;
import javax.crypto.spec.DHPublicKeySpec;
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

    /**
     * Private exponents of {@value #PRIVATE_EXPONENT_BITS} bits: twice the 112-bit strength of the
     * largest group we offer (14) as NIST SP 800-56A asks, and a quarter of the modular
     * exponentiation a full-length exponent costs on group 2. The peer sees only g^x mod p.
     */
    static final int PRIVATE_EXPONENT_BITS = 256;

    @Override
    public DhKeyPair generateDhKeyPair(DhGroup group) {
        BigInteger x = new BigInteger(PRIVATE_EXPONENT_BITS, random).setBit(PRIVATE_EXPONENT_BITS - 1);
        return dhKeyPair(group, x);
    }

    @Override
    public DhKeyPair dhKeyPair(DhGroup group, BigInteger privateExponent) {
        PrivateKey priv = jca(() -> KeyFactory.getInstance("DH")
                .generatePrivate(new DHPrivateKeySpec(privateExponent, group.prime(), DhGroup.GENERATOR)));
        return new JcaDhKeyPair(group, priv, DhGroup.GENERATOR.modPow(privateExponent, group.prime()));
    }

    private static final class JcaDhKeyPair implements DhKeyPair {
        private final DhGroup group;
        private final PrivateKey privateKey;
        private final BigInteger publicValue;

        JcaDhKeyPair(DhGroup group, PrivateKey privateKey, BigInteger publicValue) {
            this.group = group;
            this.privateKey = privateKey;
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
            // [2, p-2] rules out the keys that force the secret to 0, 1 or p-1 (RFC 2631 §2.1.5).
            if (y.compareTo(BigInteger.TWO) < 0 || y.compareTo(group.prime().subtract(BigInteger.TWO)) > 0) {
                throw new MalformedException("DH public key out of range");
            }
            byte[] secret;
            try {
                PublicKey peer = KeyFactory.getInstance("DH")
                        .generatePublic(new DHPublicKeySpec(y, group.prime(), DhGroup.GENERATOR));
                KeyAgreement ka = KeyAgreement.getInstance("DH");
                ka.init(privateKey);
                ka.doPhase(peer, true);
                secret = ka.generateSecret();
            } catch (GeneralSecurityException e) {
                throw new MalformedException("DH key agreement refused the peer key: " + e.getMessage());
            }
            return Bytes.minimal(secret);
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
