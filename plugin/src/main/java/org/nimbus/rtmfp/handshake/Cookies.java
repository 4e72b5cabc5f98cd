package org.nimbus.rtmfp.handshake;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.nimbus.rtmfp.crypto.CryptoProvider;

/**
 * Stateless RHello cookies (RFC 7016 §3.5.1.1: the responder should keep no state per IHello).
 * A cookie is exactly 64 bytes, the only length librtmfp accepts:
 * <pre>
 * version(1) | issued(4, seconds) | random(27) | originMac(16) | addressMac(16)
 * originMac  = HMAC-SHA256(secret, "nimbus-cookie" | bytes 0..32)[0:16]         proves we made it
 * addressMac = HMAC-SHA256(secret, bytes 0..48 | IP bytes | port(2))[0:16]      binds it to the source
 * </pre>
 * Two MACs let a genuine cookie presented from another address be told apart from a forgery, so
 * that it gets a cookie change (RFC 7016 §3.5.1.1.1) rather than silence. Cookies live 95 seconds,
 * rtmfp-cpp's MAX_COOKIE_LIFETIME. Times are seconds modulo 2^32 of the caller's clock.
 */
public final class Cookies {
    public static final int LENGTH = 64;
    public static final long LIFETIME_MILLIS = 95_000;
    private static final int VERSION = 1;
    private static final int ORIGIN_MAC_AT = 32;
    private static final int ADDRESS_MAC_AT = 48;
    private static final byte[] ORIGIN_LABEL = "nimbus-cookie".getBytes(StandardCharsets.US_ASCII);

    public enum Verdict {
        /** Ours, in date, made for this address. */
        VALID,
        /** Ours and in date, but made for another address: answer with a cookie change. */
        OTHER_ADDRESS,
        /** Too old, or dated in the future. */
        EXPIRED,
        /** Not a cookie of ours. */
        FOREIGN
    }

    private final CryptoProvider crypto;
    private final byte[] secret;

    public Cookies(CryptoProvider crypto, byte[] secret) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("cookie secret of " + secret.length + " bytes");
        }
        this.crypto = crypto;
        this.secret = secret.clone();
    }

    public byte[] issue(InetSocketAddress source, long nowMillis) {
        byte[] cookie = new byte[LENGTH];
        cookie[0] = VERSION;
        ByteBuffer.wrap(cookie, 1, 4).putInt((int) (nowMillis / 1000));
        byte[] random = crypto.randomBytes(ORIGIN_MAC_AT - 5);
        System.arraycopy(random, 0, cookie, 5, random.length);
        System.arraycopy(originMac(cookie), 0, cookie, ORIGIN_MAC_AT, 16);
        System.arraycopy(addressMac(cookie, source), 0, cookie, ADDRESS_MAC_AT, 16);
        return cookie;
    }

    public Verdict check(byte[] cookie, InetSocketAddress source, long nowMillis) {
        if (cookie.length != LENGTH || cookie[0] != VERSION
                || !MessageDigest.isEqual(originMac(cookie), Arrays.copyOfRange(cookie, ORIGIN_MAC_AT, ADDRESS_MAC_AT))) {
            return Verdict.FOREIGN;
        }
        long issued = ByteBuffer.wrap(cookie, 1, 4).getInt() & 0xffffffffL;
        long age = ((nowMillis / 1000) - issued) & 0xffffffffL;
        if (age > LIFETIME_MILLIS / 1000) {
            return Verdict.EXPIRED;
        }
        boolean here = MessageDigest.isEqual(addressMac(cookie, source), Arrays.copyOfRange(cookie, ADDRESS_MAC_AT, LENGTH));
        return here ? Verdict.VALID : Verdict.OTHER_ADDRESS;
    }

    private byte[] originMac(byte[] cookie) {
        ByteBuffer m = ByteBuffer.allocate(ORIGIN_LABEL.length + ORIGIN_MAC_AT);
        m.put(ORIGIN_LABEL).put(cookie, 0, ORIGIN_MAC_AT);
        return Arrays.copyOf(crypto.hmacSha256(secret, m.array()), 16);
    }

    private byte[] addressMac(byte[] cookie, InetSocketAddress source) {
        byte[] ip = source.getAddress().getAddress();
        ByteBuffer m = ByteBuffer.allocate(ADDRESS_MAC_AT + ip.length + 2);
        m.put(cookie, 0, ADDRESS_MAC_AT).put(ip).putShort((short) source.getPort());
        return Arrays.copyOf(crypto.hmacSha256(secret, m.array()), 16);
    }
}
