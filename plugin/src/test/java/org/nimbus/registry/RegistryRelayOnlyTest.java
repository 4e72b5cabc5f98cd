package org.nimbus.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Relay-only registration (docs/registry-protocol.md, "register" with {@code relay: true}): the
 * user is online and gets relayed sends, but lookups list no peer ID for that connection.
 */
class RegistryRelayOnlyTest {
    private static final String RELAY = "{\"op\":\"register\",\"relay\":true}";
    private static final String UNRELAY = "{\"op\":\"unregister\",\"relay\":true}";

    private static String op(JsonObject o) {
        return o.get("op").getAsString();
    }

    private static String code(JsonObject o) {
        assertEquals("error", op(o), o.toString());
        return o.get("code").getAsString();
    }

    private static String register(int n) {
        return "{\"op\":\"register\",\"peerId\":\"" + Fixture.peerId(n) + "\"}";
    }

    private static String unregister(int n) {
        return "{\"op\":\"unregister\",\"peerId\":\"" + Fixture.peerId(n) + "\"}";
    }

    private static List<String> peerIds(JsonObject found) {
        return found.getAsJsonArray("peerIds").asList().stream().map(e -> e.getAsString()).toList();
    }

    private static JsonObject lookup(Fixture.Client c, String name) {
        JsonObject found = c.call("{\"op\":\"lookup\",\"name\":\"" + name + "\"}");
        assertEquals("found", op(found), found.toString());
        return found;
    }

    @Test
    void relayOnlyIsOnlineFollowedAndGetsRelayedSendsButListsNoPeerId() {
        Fixture f = new Fixture();
        Fixture.Client watcher = f.account("watcher");
        watcher.call("{\"op\":\"subscribe\",\"names\":[\"alice\"]}");
        Fixture.Client alice = f.account("Alice");

        JsonObject reg = alice.call("{\"op\":\"register\",\"relay\":true,\"id\":4}");
        assertEquals("registered", op(reg), reg.toString());
        assertEquals("Alice", reg.get("name").getAsString());
        assertTrue(reg.get("relay").getAsBoolean());
        assertFalse(reg.has("peerId"), reg.toString());
        assertEquals(4, reg.get("id").getAsInt());

        List<JsonObject> presence = watcher.conn.ofOp("presence");
        assertEquals(1, presence.size());
        assertEquals("Alice", presence.get(0).get("name").getAsString());
        assertTrue(presence.get(0).get("online").getAsBoolean());

        JsonObject found = lookup(watcher, "ALICE");
        assertTrue(found.get("online").getAsBoolean(), "reachable through relay only");
        assertEquals("Alice", found.get("name").getAsString());
        assertEquals(List.of(), peerIds(found));
        JsonObject subscribed = f.account("latecomer").call("{\"op\":\"subscribe\",\"names\":[\"alice\",\"nobody\"]}");
        assertEquals(List.of("alice"), subscribed.getAsJsonArray("online").asList().stream().map(e -> e.getAsString()).toList());

        JsonObject sent = watcher.call("{\"op\":\"send\",\"to\":\"alice\",\"text\":\"over the relay\"}");
        assertEquals("sent", op(sent), sent.toString());
        assertEquals(1, sent.get("delivered").getAsInt());
        JsonObject msg = alice.conn.ofOp("message").get(0);
        assertEquals("watcher", msg.get("from").getAsString());
        assertEquals("over the relay", msg.get("text").getAsString());
        assertEquals(1, f.service.stats().registrations());
    }

    @Test
    void lookupListsOnlyRealPeerIdsAndSendReachesEveryRegisteredPage() {
        Fixture f = new Fixture();
        Fixture.Client asker = f.account("asker");
        Fixture.Client rtmfpPage = f.account("carol");
        Fixture.Client rufflePage = f.account("carol");
        rtmfpPage.call(register(1));
        rufflePage.call(RELAY);
        JsonObject found = lookup(asker, "carol");
        assertTrue(found.get("online").getAsBoolean());
        assertEquals(List.of(Fixture.peerId(1)), peerIds(found));
        assertEquals(2, asker.call("{\"op\":\"send\",\"to\":\"carol\",\"text\":\"both\"}").get("delivered").getAsInt());
        assertEquals(1, rtmfpPage.conn.ofOp("message").size());
        assertEquals(1, rufflePage.conn.ofOp("message").size());

        f.service.close(rtmfpPage.session);
        found = lookup(asker, "carol");
        assertTrue(found.get("online").getAsBoolean(), "still online through the relay-only page");
        assertEquals(List.of(), peerIds(found));
    }

    @Test
    void aPeerIdReplacesRelayOnlyAndTheReverseWithoutPresenceFlapping() {
        Fixture f = new Fixture();
        Fixture.Client watcher = f.account("watcher");
        watcher.call("{\"op\":\"subscribe\",\"names\":[\"dave\"]}");
        Fixture.Client dave = f.account("dave");

        assertEquals("registered", op(dave.call(RELAY)));
        JsonObject reg = dave.call(register(7));
        assertEquals(Fixture.peerId(7), reg.get("peerId").getAsString());
        assertFalse(reg.has("relay"), reg.toString());
        assertEquals(List.of(Fixture.peerId(7)), peerIds(lookup(watcher, "dave")));
        assertEquals(ErrorCodes.NOT_REGISTERED, code(dave.call(UNRELAY)), "relay-only was replaced");

        assertEquals("registered", op(dave.call(RELAY)));
        JsonObject found = lookup(watcher, "dave");
        assertTrue(found.get("online").getAsBoolean());
        assertEquals(List.of(), peerIds(found), "the peer ID was replaced");
        assertEquals(ErrorCodes.NOT_REGISTERED, code(dave.call(unregister(7))));
        assertEquals("registered", op(dave.call(RELAY)), "registering relay-only again is harmless");

        assertEquals(1, watcher.conn.ofOp("presence").size(), "online once; replacements keep the user online");
        assertEquals(1, f.service.stats().registrations());
    }

    @Test
    void unregisterRelayTakesTheUserOffline() {
        Fixture f = new Fixture();
        Fixture.Client watcher = f.account("watcher");
        watcher.call("{\"op\":\"subscribe\",\"names\":[\"erin\"]}");
        Fixture.Client erin = f.account("erin");
        erin.call(RELAY);
        assertEquals("unregistered", op(erin.call("{\"op\":\"unregister\",\"relay\":true,\"id\":\"u\"}")));
        List<JsonObject> presence = watcher.conn.ofOp("presence");
        assertEquals(2, presence.size());
        assertFalse(presence.get(1).get("online").getAsBoolean());
        assertFalse(lookup(watcher, "erin").get("online").getAsBoolean());
        assertEquals(ErrorCodes.UNKNOWN_USER, code(watcher.call("{\"op\":\"send\",\"to\":\"erin\",\"text\":\"t\"}")));
        assertEquals(ErrorCodes.NOT_REGISTERED, code(erin.call(UNRELAY)));
        assertEquals(0, f.service.stats().registrations());
    }

    @Test
    void peerIdAndRelayTogetherOrNeitherAreBadRequests() {
        Fixture f = new Fixture();
        Fixture.Client watcher = f.account("watcher");
        Fixture.Client c = f.account("frank");
        for (String r : new String[] {
                "{\"op\":\"register\",\"relay\":true,\"peerId\":\"" + Fixture.peerId(1) + "\"}",
                "{\"op\":\"register\"}",
                "{\"op\":\"register\",\"relay\":false}",
                "{\"op\":\"register\",\"relay\":\"true\"}",
                "{\"op\":\"register\",\"relay\":1,\"peerId\":\"" + Fixture.peerId(1) + "\"}",
                "{\"op\":\"unregister\",\"relay\":true,\"peerId\":\"" + Fixture.peerId(1) + "\"}",
                "{\"op\":\"unregister\"}",
                "{\"op\":\"unregister\",\"relay\":false}"}) {
            JsonObject e = c.call(r);
            assertEquals(ErrorCodes.BAD_REQUEST, code(e), r);
        }
        assertFalse(lookup(watcher, "frank").get("online").getAsBoolean(), "nothing was registered");
        assertEquals("pong", op(c.call("{\"op\":\"ping\"}")), "the connection stays");
        // relay: false with a peer ID is the ordinary form
        assertEquals(Fixture.peerId(2), c.call("{\"op\":\"register\",\"relay\":false,\"peerId\":\"" + Fixture.peerId(2) + "\"}")
                .get("peerId").getAsString());
        assertEquals(ErrorCodes.NOT_AUTHENTICATED, code(f.client().call(RELAY)));
        assertEquals(ErrorCodes.NOT_AUTHENTICATED, code(f.client().call(UNRELAY)));
    }

    @Test
    void closingARelayOnlyConnectionTakesTheUserOffline() {
        Fixture f = new Fixture();
        Fixture.Client watcher = f.account("watcher");
        watcher.call("{\"op\":\"subscribe\",\"names\":[\"gina\"]}");
        Fixture.Client gina = f.account("gina");
        gina.call(RELAY);
        f.service.close(gina.session);
        List<JsonObject> presence = watcher.conn.ofOp("presence");
        assertEquals(2, presence.size());
        assertFalse(presence.get(1).get("online").getAsBoolean());
        assertFalse(lookup(watcher, "gina").get("online").getAsBoolean());
        assertEquals(0, f.service.stats().registrations());
        assertEquals(1, f.service.stats().accounts(), "only the watcher's name is held");

        // and by the idle sweep, like any other registration
        Fixture.Client hank = f.account("hank");
        hank.call(RELAY);
        assertTrue(lookup(watcher, "hank").get("online").getAsBoolean());
        f.clock.advance(f.service.limits().idleMillis() + 1);
        watcher.call("{\"op\":\"ping\"}");
        f.service.sweep();
        assertTrue(hank.conn.closed);
        assertFalse(lookup(watcher, "hank").get("online").getAsBoolean());
        assertNull(hank.session.peerId);
        assertFalse(hank.session.relay);
    }
}
