package org.nimbus.conformance.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 7425 §4.6 key derivation, seen from the initiator (client):
 * encrypt = HMAC(S, HMAC(SKRC, SKIC)), decrypt = HMAC(S, HMAC(SKIC, SKRC)) (first 16 bytes as
 * AES keys); the HMAC keys are HMAC(S, full 32-byte value); near/far nonces HMAC(S, SKIC/SKRC).
 */
public record SessionKeys(byte[] encryptFull, byte[] decryptFull, byte[] hmacSendKey, byte[] hmacRecvKey,
                          byte[] nearNonce, byte[] farNonce) {

    public static SessionKeys deriveForInitiator(byte[] sharedSecret, byte[] skic, byte[] skrc) {
        byte[] enc = hmac(sharedSecret, hmac(skrc, skic));
        byte[] dec = hmac(sharedSecret, hmac(skic, skrc));
        return new SessionKeys(enc, dec, hmac(sharedSecret, enc), hmac(sharedSecret, dec),
                hmac(sharedSecret, skic), hmac(sharedSecret, skrc));
    }

    /**
     * The same keys seen from the responder (a peer-to-peer session this client accepted): what
     * the initiator encrypts with, the responder decrypts with, and so on.
     */
    public SessionKeys mirrored() {
        return new SessionKeys(decryptFull, encryptFull, hmacRecvKey, hmacSendKey, farNonce, nearNonce);
    }

    public byte[] encryptKey() {
        return Arrays.copyOf(encryptFull, 16);
    }

    public byte[] decryptKey() {
        return Arrays.copyOf(decryptFull, 16);
    }

    public static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
