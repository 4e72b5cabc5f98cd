package org.nimbus.conformance.wire;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The datagram layer: RFC 7016 §2.2.1 scrambled session id, and the Flash profile's encryption
 * (RFC 7425 §4.4): AES-128-CBC with a zero IV, 0xff padding to the block size,
 * {@code [SSN VLU] [checksum unless HMAC] packet}, then the truncated HMAC-SHA256 of the
 * ciphertext when negotiated (§4.6).
 */
public final class DatagramCodec {
    private static final byte[] ZERO_IV = new byte[16];

    private DatagramCodec() {
    }

    /** What the decoding of one datagram gave. {@code ssn} is -1 when SSN is off. */
    public record Decoded(int sessionId, long ssn, byte[] decrypted, int packetOffset) {
        public byte[] packetBytes() {
            return Arrays.copyOfRange(decrypted, packetOffset, decrypted.length);
        }

        public Packet packet() {
            return Packet.decode(packetBytes());
        }
    }

    public static byte[] encode(int sessionId, byte[] packet, CryptoDirection dir, long ssn) {
        ByteWriter w = new ByteWriter();
        if (dir.ssn()) {
            w.vlu(ssn);
        }
        int checksumAt = w.size();
        if (!dir.hmac()) {
            w.u16(0);
        }
        w.bytes(packet);
        byte[] plain = w.toByteArray();
        int padded = (plain.length + 15) / 16 * 16;
        if (padded != plain.length) {
            int old = plain.length;
            plain = Arrays.copyOf(plain, padded);
            Arrays.fill(plain, old, padded, (byte) 0xff);
        }
        if (!dir.hmac()) {
            int sum = Checksum.compute(plain, checksumAt + 2, plain.length - checksumAt - 2);
            plain[checksumAt] = (byte) (sum >> 8);
            plain[checksumAt + 1] = (byte) sum;
        }
        return encryptPlaintext(sessionId, plain, dir);
    }

    /**
     * Encrypts an already framed plaintext (SSN, checksum, packet, padding) as is: the raw hook
     * robustness cases use to send a wrong checksum.
     */
    public static byte[] encryptPlaintext(int sessionId, byte[] plain, CryptoDirection dir) {
        byte[] cipher = aes(Cipher.ENCRYPT_MODE, dir.aesKey(), plain);
        byte[] mac = dir.hmac() ? hmac(dir.hmacKey(), cipher, dir.hmacLength()) : new byte[0];
        byte[] out = new byte[4 + cipher.length + mac.length];
        System.arraycopy(cipher, 0, out, 4, cipher.length);
        System.arraycopy(mac, 0, out, 4 + cipher.length, mac.length);
        int scrambled = sessionId ^ word(out, 4) ^ word(out, 8);
        putWord(out, 0, scrambled);
        return out;
    }

    /**
     * The same datagram with its checksum field off by one (HMAC off only): a receiver must drop
     * it (RFC 7425 §4.4). Used by robustness cases.
     */
    public static byte[] withBadChecksum(byte[] datagram, CryptoDirection dir) {
        if (dir.hmac()) {
            throw new IllegalArgumentException("no checksum when HMAC is on");
        }
        Decoded d = decode(datagram, dir);
        byte[] plain = d.decrypted();
        plain[d.packetOffset() - 1] ^= 0x01;
        return encryptPlaintext(d.sessionId(), plain, dir);
    }

    /** RFC 7016 §2.2.1: the session id is the first word XOR the next two words. */
    public static int sessionId(byte[] datagram) {
        if (datagram.length < 12) {
            throw new WireFormatException("datagram shorter than 12 bytes");
        }
        return word(datagram, 0) ^ word(datagram, 4) ^ word(datagram, 8);
    }

    /**
     * Verifies and decrypts a datagram. Throws {@link WireFormatException} for a bad length, HMAC,
     * or checksum, which a receiver must treat as "drop the datagram" (RFC 7425 §4.4).
     */
    public static Decoded decode(byte[] datagram, CryptoDirection dir) {
        int sid = sessionId(datagram);
        int macLen = dir.hmac() ? dir.hmacLength() : 0;
        int cipherLen = datagram.length - 4 - macLen;
        if (cipherLen <= 0 || cipherLen % 16 != 0) {
            throw new WireFormatException("ciphertext length " + cipherLen + " is not a positive multiple of 16");
        }
        byte[] cipher = Arrays.copyOfRange(datagram, 4, 4 + cipherLen);
        if (dir.hmac()) {
            byte[] expected = hmac(dir.hmacKey(), cipher, macLen);
            byte[] got = Arrays.copyOfRange(datagram, 4 + cipherLen, datagram.length);
            if (!MessageDigest.isEqual(expected, got)) {
                throw new WireFormatException("HMAC mismatch");
            }
        }
        byte[] plain = aes(Cipher.DECRYPT_MODE, dir.aesKey(), cipher);
        ByteReader r = new ByteReader(plain);
        long ssn = dir.ssn() ? r.vlu() : -1;
        if (!dir.hmac()) {
            int field = r.u16();
            int sum = Checksum.compute(plain, r.position(), r.remaining());
            if (field != sum) {
                throw new WireFormatException(String.format("checksum %04x, computed %04x", field, sum));
            }
        }
        return new Decoded(sid, ssn, plain, r.position());
    }

    static byte[] aes(int mode, byte[] key, byte[] data) {
        try {
            Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
            c.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(ZERO_IV));
            return c.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-128-CBC unavailable", e);
        }
    }

    static byte[] hmac(byte[] key, byte[] data, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Arrays.copyOf(mac.doFinal(data), length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    private static int word(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    private static void putWord(byte[] b, int at, int v) {
        b[at] = (byte) (v >> 24);
        b[at + 1] = (byte) (v >> 16);
        b[at + 2] = (byte) (v >> 8);
        b[at + 3] = (byte) v;
    }
}
