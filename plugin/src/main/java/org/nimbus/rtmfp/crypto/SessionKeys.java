package org.nimbus.rtmfp.crypto;

import java.util.Arrays;

/**
 * The keys of one session from one side's view, RFC 7425 §4.6, with S the DH shared secret in
 * minimal form and HMAC = HMAC-SHA256(key, message):
 * <pre>
 * encrypt      = HMAC(S, HMAC(farComponent, nearComponent))[0:16]
 * decrypt      = HMAC(S, HMAC(nearComponent, farComponent))[0:16]
 * hmacSend     = HMAC(S, full 32-byte encrypt value)   hmacReceive = HMAC(S, full 32-byte decrypt value)
 * nearNonce    = HMAC(S, nearComponent)                farNonce    = HMAC(S, farComponent)
 * </pre>
 * For the server the near component is its SKRC and the far one the client's SKIC.
 */
public record SessionKeys(byte[] encryptKey, byte[] decryptKey, byte[] hmacSendKey, byte[] hmacReceiveKey,
                          byte[] nearNonce, byte[] farNonce) {

    public static SessionKeys derive(CryptoProvider crypto, byte[] sharedSecret, byte[] nearComponent, byte[] farComponent) {
        byte[] encryptFull = crypto.hmacSha256(sharedSecret, crypto.hmacSha256(farComponent, nearComponent));
        byte[] decryptFull = crypto.hmacSha256(sharedSecret, crypto.hmacSha256(nearComponent, farComponent));
        return new SessionKeys(
                Arrays.copyOf(encryptFull, 16),
                Arrays.copyOf(decryptFull, 16),
                crypto.hmacSha256(sharedSecret, encryptFull),
                crypto.hmacSha256(sharedSecret, decryptFull),
                crypto.hmacSha256(sharedSecret, nearComponent),
                crypto.hmacSha256(sharedSecret, farComponent));
    }
}
