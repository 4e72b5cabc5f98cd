package org.nimbus.registry;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Account tokens: {@code name ":" expiry ":" hex(HMAC-SHA256(secret, name ":" expiry))}, minted
 * by the website that knows the user (docs/registry-protocol.md). Verification compares MACs in
 * constant time and checks the MAC before the expiry, so an attacker learns nothing from
 * "expired" about a token they forged.
 */
public final class AccountTokens {
    private static final String ALGORITHM = "HmacSHA256";
    private final SecretKeySpec key;

    public AccountTokens(byte[] secret) {
        if (secret.length == 0) {
            throw new IllegalArgumentException("empty secret");
        }
        this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
    }

    public String mint(String name, long expiryEpochSeconds) {
        String signed = name + ":" + expiryEpochSeconds;
        return signed + ":" + HexFormat.of().formatHex(mac(signed));
    }

    /** The account name the token vouches for, or a RegistryException bad-token / token-expired / bad-name. */
    public String verify(String token, long nowEpochSeconds) {
        if (token == null || token.length() > 512) {
            throw new RegistryException(ErrorCodes.BAD_TOKEN, "malformed token");
        }
        int macSep = token.lastIndexOf(':');
        int expSep = macSep <= 0 ? -1 : token.lastIndexOf(':', macSep - 1);
        if (expSep <= 0) {
            throw new RegistryException(ErrorCodes.BAD_TOKEN, "malformed token");
        }
        String signed = token.substring(0, macSep);
        byte[] given;
        try {
            given = HexFormat.of().parseHex(token.substring(macSep + 1));
        } catch (IllegalArgumentException e) {
            throw new RegistryException(ErrorCodes.BAD_TOKEN, "malformed token");
        }
        if (!MessageDigest.isEqual(given, mac(signed))) {
            throw new RegistryException(ErrorCodes.BAD_TOKEN, "token signature does not match");
        }
        long expiry;
        try {
            expiry = Long.parseLong(token.substring(expSep + 1, macSep));
        } catch (NumberFormatException e) {
            throw new RegistryException(ErrorCodes.BAD_TOKEN, "malformed expiry");
        }
        if (nowEpochSeconds > expiry) {
            throw new RegistryException(ErrorCodes.TOKEN_EXPIRED, "token expired");
        }
        String name = token.substring(0, expSep);
        String problem = Names.accountNameProblem(name);
        if (problem != null) {
            throw new RegistryException(ErrorCodes.BAD_NAME, problem);
        }
        return name;
    }

    private byte[] mac(String text) {
        try {
            // Mac instances are not thread-safe; one per call costs a microsecond.
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
