package org.nimbus.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class AccountTokensTest {
    private static final long NOW = 1_700_000_000L;
    private final AccountTokens tokens = new AccountTokens("s3cret".getBytes(StandardCharsets.UTF_8));

    private static String code(Runnable r) {
        return assertThrows(RegistryException.class, r::run).code();
    }

    @Test
    void tokenMintedAsTheDocumentSaysVerifies() throws Exception {
        // The Java recipe of docs/registry-protocol.md, verbatim.
        String name = "Zoë";
        long exp = NOW + 3600;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String token = name + ":" + exp + ":" + HexFormat.of().formatHex(mac.doFinal((name + ":" + exp).getBytes(StandardCharsets.UTF_8)));
        assertEquals(token, tokens.mint(name, exp));
        assertEquals("Zoë", tokens.verify(token, NOW));
        assertEquals("Zoë", tokens.verify(token, exp));
    }

    @Test
    void forgedTokensAreRefused() {
        String good = tokens.mint("alice", NOW + 60);
        String otherSecret = new AccountTokens("other".getBytes(StandardCharsets.UTF_8)).mint("alice", NOW + 60);
        assertEquals(ErrorCodes.BAD_TOKEN, code(() -> tokens.verify(otherSecret, NOW)));
        assertEquals(ErrorCodes.BAD_TOKEN, code(() -> tokens.verify(good.replace("alice", "mallory"), NOW)));
        String laterExpiry = good.replace(":" + (NOW + 60) + ":", ":" + (NOW + 999999) + ":");
        assertEquals(ErrorCodes.BAD_TOKEN, code(() -> tokens.verify(laterExpiry, NOW)));
        char last = good.charAt(good.length() - 1);
        String flipped = good.substring(0, good.length() - 1) + (last == '0' ? '1' : '0');
        assertEquals(ErrorCodes.BAD_TOKEN, code(() -> tokens.verify(flipped, NOW)));
        for (String junk : new String[] {"", ":", "::", "alice", "alice:1", "alice:x:zz", ":1:" + "00".repeat(32), "a".repeat(600)}) {
            assertEquals(ErrorCodes.BAD_TOKEN, code(() -> tokens.verify(junk, NOW)), junk);
        }
    }

    @Test
    void expiredTokenIsRefused() {
        String t = tokens.mint("alice", NOW - 1);
        assertEquals(ErrorCodes.TOKEN_EXPIRED, code(() -> tokens.verify(t, NOW)));
    }

    @Test
    void signedButInvalidNameIsRefused() {
        assertEquals(ErrorCodes.BAD_NAME, code(() -> tokens.verify(tokens.mint("guest-abcdefgh", NOW + 60), NOW)));
        assertEquals(ErrorCodes.BAD_NAME, code(() -> tokens.verify(tokens.mint("a b", NOW + 60), NOW)));
    }
}
