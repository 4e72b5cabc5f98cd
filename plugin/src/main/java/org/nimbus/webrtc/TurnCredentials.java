package org.nimbus.webrtc;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-limited TURN credentials of the coturn REST-API scheme (draft-uberti-behave-turn-rest-00
 * section 2.2, coturn's {@code use-auth-secret}): username {@code expiry:name} with expiry in Unix
 * seconds, password base64(HMAC-SHA1(shared secret, username)). The TURN server checks both
 * without asking Nimbus, and refuses them after the expiry, so a leaked pair is short-lived.
 */
public final class TurnCredentials {
    public record Pair(String username, String credential) {
    }

    private final byte[] secret;
    private final int ttlSeconds;

    public TurnCredentials(String secret, int ttlSeconds) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.ttlSeconds = ttlSeconds;
    }

    public Pair mint(String name, long nowMillis) {
        String username = (nowMillis / 1000 + ttlSeconds) + ":" + name;
        return new Pair(username, password(username));
    }

    String password(String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JRE", e);
        }
    }
}
