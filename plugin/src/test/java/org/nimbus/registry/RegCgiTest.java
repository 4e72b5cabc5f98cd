package org.nimbus.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * reg.cgi's answers, as the Cirrus samples' HttpIdManager reads them (the expected bodies are
 * written out from the sample's protocol description, not produced by the code), and the one
 * registry behind it and the registry protocol.
 */
class RegCgiTest {
    static final String PRO = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";
    static final String ID_A = "a1".repeat(32);
    static final String ID_B = "b2".repeat(32);

    final Fixture f = new Fixture();
    final RegCgi cgi = new RegCgi(f.service, f.tokens, false, 5);

    static Map<String, String[]> q(String... kv) {
        Map<String, String[]> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            String[] old = m.get(kv[i]);
            String[] now = old == null ? new String[1] : java.util.Arrays.copyOf(old, old.length + 1);
            now[now.length - 1] = kv[i + 1];
            m.put(kv[i], now);
        }
        return m;
    }

    String get(String... kv) {
        RegCgi.Reply r = cgi.handle("192.0.2.7", q(kv));
        assertEquals(200, r.status(), r.body());
        assertEquals("text/xml; charset=utf-8", r.contentType());
        return r.body();
    }

    @Test
    void registerLookUpAndUnregisterAsTheSampleDoes() {
        assertEquals(PRO + "<result><update>true</update></result>", get("username", "alice", "identity", ID_A));
        assertEquals(PRO + "<result><update>true</update></result>", get("username", "bob", "identity", ID_B, "time", "1700000000123"));
        assertEquals(PRO + "<result><friend><user>alice</user><identity>" + ID_A + "</identity></friend></result>",
                get("friends", "alice", "time", "1"));
        assertEquals(PRO + "<result><update>true</update></result>", get("username", "alice", "identity", "0"));
        assertEquals(PRO + "<result><friend><user>alice</user></friend></result>", get("friends", "alice"));
        assertEquals(PRO + "<result><friend><user>nobody</user></friend></result>", get("friends", "nobody"));
    }

    @Test
    void namesMatchWhateverTheCaseAndTheStoredSpellingIsTold() {
        get("username", "Alice", "identity", ID_A.toUpperCase());
        assertEquals(PRO + "<result><friend><user>ALICE</user><identity>" + ID_A + "</identity><registered>Alice</registered></friend></result>",
                get("friends", "ALICE"));
        assertEquals(PRO + "<result><update>true</update><friend><user>Alice</user><identity>" + ID_A + "</identity></friend>"
                + "<friend><user>zed</user></friend></result>",
                get("username", "bob", "identity", ID_B, "friends", "Alice", "friends", "zed"));
    }

    @Test
    void oneRegistryForTheWebServiceAndTheRegistryProtocol() {
        Fixture.Client page = f.account("carol");
        page.call("{\"op\":\"register\",\"peerId\":\"" + ID_B + "\"}");
        assertEquals(PRO + "<result><friend><user>carol</user><identity>" + ID_B + "</identity></friend></result>", get("friends", "carol"));
        Fixture.Client watcher = f.account("watcher");
        watcher.call("{\"op\":\"subscribe\",\"names\":[\"dave\"]}");
        get("username", "dave", "identity", ID_A);
        JsonObject found = watcher.call("{\"op\":\"lookup\",\"name\":\"DAVE\"}");
        assertTrue(found.get("online").getAsBoolean());
        assertEquals(ID_A, found.getAsJsonArray("peerIds").get(0).getAsString());
        assertEquals(1, watcher.conn.ofOp("presence").size(), "dave came online for its follower");
        // a relayed message cannot reach a web-service registration: it has no connection
        assertEquals(ErrorCodes.UNKNOWN_USER, watcher.call("{\"op\":\"send\",\"to\":\"dave\",\"text\":\"hi\"}").get("code").getAsString());
    }

    @Test
    void aRegistrationNotRefreshedWithinAnHourDropsOut() {
        get("username", "erin", "identity", ID_A);
        f.clock.advance(LegacyIds.TTL_MILLIS - 1000);
        get("username", "erin", "identity", ID_A); // refreshed
        f.clock.advance(LegacyIds.TTL_MILLIS - 1000);
        f.service.sweep();
        assertTrue(get("friends", "erin").contains("<identity>"), "still registered: refreshed");
        f.clock.advance(2000);
        f.service.sweep();
        assertEquals(PRO + "<result><friend><user>erin</user></friend></result>", get("friends", "erin"));
    }

    @Test
    void badInputGetsAFailureTheSampleUnderstandsOrA400() {
        String no = PRO + "<result><update>false</update></result>";
        assertEquals(no, get("username", "frank", "identity", "not-hex"));
        assertEquals(no, get("username", "frank", "identity", "ab".repeat(31)));
        assertEquals(no, get("username", "x".repeat(10_000), "identity", ID_A));
        assertEquals(no, get("username", "<b>frank</b>", "identity", ID_A));
        assertEquals(no, get("username", "frank", "username", "other", "identity", ID_A));
        assertEquals(no, get("username", "frank"));
        String[] many = new String[2 * (RegCgi.MAX_FRIENDS + 1)];
        for (int i = 0; i < many.length; i += 2) {
            many[i] = "friends";
            many[i + 1] = "n" + i;
        }
        RegCgi.Reply tooMany = cgi.handle("192.0.2.7", q(many));
        assertEquals(400, tooMany.status());
        assertEquals(400, cgi.handle("192.0.2.7", q("other", "x")).status());
        // markup in a looked-up name comes back escaped
        assertEquals(PRO + "<result><friend><user>&lt;/user&gt;&lt;identity&gt;&amp;&quot;&apos;</user></friend></result>",
                get("friends", "</user><identity>&\"'"));
    }

    @Test
    void aFloodOfRegistrationsFromOneAddressIsCut() {
        int ok = 0;
        for (int i = 0; i < 50; i++) {
            if (get("username", "flood" + i, "identity", ID_A).contains("true")) {
                ok++;
            }
        }
        assertEquals(5, ok, "the per-source rate (5 a second here)");
        assertTrue(cgi.handle("198.51.100.1", q("username", "elsewhere", "identity", ID_A)).body().contains("true"));
    }

    @Test
    void withTokensRequiredOnlyTheNamesOwnerRegisters() {
        RegCgi strict = new RegCgi(f.service, f.tokens, true, 100);
        assertFalse(strict.handle("192.0.2.8", q("username", "gina", "identity", ID_A)).body().contains("true"));
        assertFalse(strict.handle("192.0.2.8", q("username", "gina", "identity", ID_A, "token", f.token("hank"))).body().contains("true"));
        assertTrue(strict.handle("192.0.2.8", q("username", "GINA", "identity", ID_A, "token", f.token("gina"))).body().contains("true"));
    }
}
