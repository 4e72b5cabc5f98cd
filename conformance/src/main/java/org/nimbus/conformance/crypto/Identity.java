package org.nimbus.conformance.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.nimbus.conformance.wire.ByteReader;

/** RFC 7425 §4 identities: peer ID and certificate fingerprint, both SHA-256. */
public final class Identity {
    private Identity() {
    }

    /** Peer ID = SHA-256 of the whole (client) certificate. */
    public static byte[] peerId(byte[] certificate) {
        return sha256(certificate);
    }

    /**
     * Fingerprint = SHA-256 of the certificate up to and including its first marker, or of all of
     * it when there is no marker: options after the marker are not part of the canonical certificate.
     */
    public static byte[] fingerprint(byte[] certificate) {
        ByteReader r = new ByteReader(certificate);
        while (r.hasRemaining()) {
            int length = r.vluLength();
            if (length == 0) {
                return sha256(Arrays.copyOf(certificate, r.position()));
            }
            r.skip(length);
        }
        return sha256(certificate);
    }

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
