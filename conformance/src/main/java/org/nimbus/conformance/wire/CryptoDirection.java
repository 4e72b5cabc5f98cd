package org.nimbus.conformance.wire;

/**
 * The RFC 7425 §4.4-§4.6 packet protection of one direction: the AES-128 key, and whether an
 * HMAC of a given length and/or a session sequence number (SSN) are in use.
 * {@code hmacKey == null} means no HMAC, so the packet carries a checksum instead.
 */
public record CryptoDirection(byte[] aesKey, byte[] hmacKey, int hmacLength, boolean ssn) {

    /** RFC 7425 §4.1: the default session key "Adobe Systems 02". */
    public static final byte[] DEFAULT_KEY = "Adobe Systems 02".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Startup packets (IHello, RHello, IIKeying, RIKeying, Redirect) use the default key, checksum only. */
    public static CryptoDirection startup() {
        return new CryptoDirection(DEFAULT_KEY, null, 0, false);
    }

    public static CryptoDirection plain(byte[] aesKey) {
        return new CryptoDirection(aesKey, null, 0, false);
    }

    public boolean hmac() {
        return hmacKey != null;
    }
}
