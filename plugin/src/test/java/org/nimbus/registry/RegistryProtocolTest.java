package org.nimbus.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RegistryProtocolTest {

    private static String op(JsonObject o) {
        return o.get("op").getAsString();
    }

    private static String code(JsonObject o) {
        assertEquals("error", op(o), o.toString());
        return o.get("code").getAsString();
    }

    @Test
    void twoUsersRegisterLookUpEachOtherAndRelay() {
        Fixture f = new Fixture();
        Fixture.Client alice = f.account("Alice");
        Fixture.Client bob = f.account("bob");
        JsonObject reg = alice.call("{\"op\":\"register\",\"peerId\":\"" + Fixture.peerId(1) + "\",\"id\":7}");
        assertEquals("registered", op(reg));
        assertEquals("Alice", reg.get("name").getAsString());
        assertEquals(7, reg.get("id").getAsInt());
        bob.call("{\"op\":\"register\",\"peerId\":\"" + Fixture.peerId(2) + "\"}");

        JsonObject found = bob.call("{\"op\":\"lookup\",\"name\":\"ALICE\",\"id\":\"q\"}");
        assertEquals("found", op(found));
        assertTrue(found.get("online").getAsBoolean());
        assertEquals("Alice", found.get("name").getAsString());
        assertEquals(Fixture.peerId(1), found.getAsJsonArray("peerIds").get(0).getAsString());
        assertEquals("q", found.get("id").getAsString());

        JsonObject sent = bob.call("{\"op\":\"send\",\"to\":\"alice\",\"text\":\"hi ☺\"}");
        assertEquals(1, sent.get("delivered").getAsInt());
        JsonObject msg = alice.conn.ofOp("message").get(0);
        assertEquals("bob", msg.get("from").getAsString());
        assertEquals("hi ☺", msg.get("text").getAsString());
        assertEquals(f.clock.millis(), msg.get("ts").getAsLong());
        assertTrue(bob.conn.ofOp("message").isEmpty(), "the sender does not get its own message");
        assertEquals(1, f.service.stats().relayedMessages());
        assertEquals(1, f.service.stats().lookups());
    }

    @Test
    void oneAccountInSeveralPagesIsFoundNewestFirstAndStaysOnlineUntilTheLastGoes() {
        Fixture f = new Fixture();
        Fixture.Client watcher = f.account("watcher");
        watcher.call("{\"op\":\"subscribe\",\"names\":[\"carol\"]}");
        Fixture.Client p1 = f.account("carol");
        Fixture.Client p2 = f.account("Carol");
        p1.call("{\"op\":\"register\",\"peerId\":\"" + Fixture.peerId(1) + "\"}");
        p2.call("{\"op\":\"register\",\"peerId\":\"" + Fixture.peerId(2) + "\"}");
        JsonObject found = watcher.call("{\"op\":\"lookup\",\"name\":\"carol\"}");
        assertEquals(List.of(Fixture.peerId(2), Fixture.peerId(1)),
                found.getAsJsonArray("peerIds").asList().stream().map(e -> e.getAsString()).toList());
        assertEquals(1, watcher.conn.ofOp("presence").size(), "online once, for the first registration");

        f.service.close(p2.session);
        assertEquals(1, watcher.conn.ofOp("presence").size(), "still online through p1");
        assertEquals(List.of(Fixture.peerId(1)), watcher.call("{\"op\":\"lookup\",\"name\":\"carol\"}")
                .getAsJsonArray("peerIds").asList().stream().map(e -> e.getAsString()).toList());
        f.service.close(p1.session);
        JsonObject off = watcher.conn.ofOp("presence").get(1);
        assertFalse(off.get("online").getAsBoolean());
        assertFalse(watcher.call("{\"op\":\"lookup\",\"name\":\"carol\"}").get("online").getAsBoolean());
        assertEquals(1, f.service.stats().accounts(), "only the watcher's name is held now");
    }

    @Test
    void presenceFansOutToEverySubscriber() {
        Fixture f = new Fixture();
        List<Fixture.Client> followers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Fixture.Client c = f.account("f" + i);
            JsonObject sub = c.call("{\"op\":\"subscribe\",\"names\":[\"dave\",\"nobody\"]}");
            assertEquals(0, sub.getAsJsonArray("online").size());
            followers.add(c);
        }
        Fixture.Client dave = f.account("dave");
        dave.call("{\"op\":\"register\",\"peerId\":\"" + Fixture.peerId(9) + "\"}");
        dave.call("{\"op\":\"unregister\",\"peerId\":\"" + Fixture.peerId(9) + "\"}");
        for (Fixture.Client c : followers) {
            List<JsonObject> p = c.conn.ofOp("presence");
            assertEquals(2, p.size());
            assertEquals("dave", p.get(0).get("name").getAsString());
            assertTrue(p.get(0).get("online").getAsBoolean());
            assertFalse(p.get(1).get("online").getAsBoolean());
        }
        followers.get(0).call("{\"op\":\"unsubscribe\",\"names\":[\"DAVE\"]}");
        dave.call("{\"op\":\"register\",\"peerId\":\"" + Fixture.peerId(9) + "\"}");
        assertEquals(2, followers.get(0).conn.ofOp("presence").size());
        assertEquals(3, followers.get(1).conn.ofOp("presence").size());
        JsonObject sub = followers.get(0).call("{\"op\":\"subscribe\",\"names\":[\"Dave\"]}");
        assertEquals("Dave", sub.getAsJsonArray("online").get(0).getAsString());
    }

    @Test
    void guestsGetDistinctNamesAndCannotActAsOthers() {
        Fixture f = new Fixture();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            JsonObject w = f.client().call("{\"op\":\"hello\",\"v\":1,\"guest\":true}");
            assertEquals("welcome", op(w));
            assertTrue(w.get("guest").getAsBoolean());
            assertTrue(names.add(w.get("name").getAsString()));
        }
        assertEquals(1000, f.service.stats().guests());

        Fixture.Client a = f.account("erin");
        Fixture.Client b = f.account("frank");
        a.call("{\"op\":\"register\",\"peerId\":\"" + Fixture.peerId(1) + "\"}");
        assertEquals(ErrorCodes.NOT_REGISTERED, code(b.call("{\"op\":\"unregister\",\"peerId\":\"" + Fixture.peerId(1) + "\"}")));
        assertEquals(ErrorCodes.ALREADY_AUTHENTICATED, code(b.call("{\"op\":\"hello\",\"v\":1,\"token\":\"" + f.token("erin") + "\"}")));
        assertTrue(f.service.lookup("erin").online());
    }

    @Test
    void everyRequestButHelloAndPingNeedsHello() {
        Fixture f = new Fixture();
        Fixture.Client c = f.client();
        assertEquals("pong", op(c.call("{\"op\":\"ping\"}")));
        for (String r : new String[] {"{\"op\":\"register\",\"peerId\":\"" + Fixture.peerId(1) + "\"}",
                "{\"op\":\"lookup\",\"name\":\"x\"}", "{\"op\":\"subscribe\",\"names\":[]}",
                "{\"op\":\"send\",\"to\":\"x\",\"text\":\"t\"}", "{\"op\":\"unregister\",\"peerId\":\"" + Fixture.peerId(1) + "\"}",
                "{\"op\":\"unsubscribe\",\"names\":[]}"}) {
            assertEquals(ErrorCodes.NOT_AUTHENTICATED, code(c.call(r)), r);
        }
    }

    @Test
    void badRequestsGetErrorsCarryingTheirId() {
        Fixture f = new Fixture();
        Fixture.Client c = f.account("gina");
        JsonObject e = c.call("{\"op\":\"fly\",\"id\":3}");
        assertEquals(ErrorCodes.UNKNOWN_OP, code(e));
        assertEquals(3, e.get("id").getAsInt());
        assertEquals(ErrorCodes.BAD_REQUEST, code(c.call("{\"nop\":1}")));
        assertEquals(ErrorCodes.BAD_REQUEST, code(c.call("{\"op\":5}")));
        assertEquals(ErrorCodes.BAD_REQUEST, code(c.call("{\"op\":\"lookup\"}")));
        assertEquals(ErrorCodes.BAD_REQUEST, code(c.call("{\"op\":\"subscribe\",\"names\":[1]}")));
        assertEquals(ErrorCodes.BAD_PEER_ID, code(c.call("{\"op\":\"register\",\"peerId\":\"abc\"}")));
        assertEquals(ErrorCodes.BAD_PEER_ID, code(c.call("{\"op\":\"register\",\"peerId\":\"" + Fixture.peerId(1).toUpperCase().replace('0', 'G') + "\"}")));
        assertEquals(ErrorCodes.UNKNOWN_USER, code(c.call("{\"op\":\"send\",\"to\":\"nobody\",\"text\":\"t\"}")));
        assertEquals(ErrorCodes.BAD_VERSION, code(f.client().call("{\"op\":\"hello\",\"v\":2,\"guest\":true}")));
        assertEquals(ErrorCodes.BAD_REQUEST, code(f.client().call("{\"op\":\"hello\",\"v\":1}")));
        assertEquals(10, f.service.stats().errors());
    }

    @Test
    void forgedAndExpiredTokensAreRefused() {
        Fixture f = new Fixture();
        String expired = f.tokens.mint("hank", f.clock.instant().getEpochSecond() - 1);
        assertEquals(ErrorCodes.TOKEN_EXPIRED, code(f.client().call("{\"op\":\"hello\",\"v\":1,\"token\":\"" + expired + "\"}")));
        String forged = f.token("hank").replace("hank", "root");
        assertEquals(ErrorCodes.BAD_TOKEN, code(f.client().call("{\"op\":\"hello\",\"v\":1,\"token\":\"" + forged + "\"}")));
        String valid = f.token("hank");
        f.clock.advance(3601_000);
        assertEquals(ErrorCodes.TOKEN_EXPIRED, code(f.client().call("{\"op\":\"hello\",\"v\":1,\"token\":\"" + valid + "\"}")));
        assertEquals(0, f.service.stats().accounts());
    }

    @Test
    void silentConnectionsAreDroppedAfterOneAndAHalfKeepalives() {
        Fixture f = new Fixture(new RegistryLimits(10, 5, 1024, 64, 100, 10, 5, 100, 64));
        Fixture.Client quiet = f.account("ivan");
        Fixture.Client chatty = f.account("judy");
        Fixture.Client watcher = f.account("ken");
        watcher.call("{\"op\":\"subscribe\",\"names\":[\"ivan\"]}");
        quiet.call("{\"op\":\"register\",\"peerId\":\"" + Fixture.peerId(1) + "\"}");
        for (int i = 0; i < 3; i++) {
            f.clock.advance(7_000);
            chatty.call("{\"op\":\"ping\"}");
            watcher.call("{\"op\":\"ping\"}");
            f.service.sweep();
        }
        assertTrue(quiet.conn.closed, "21 s > 15 s of silence");
        assertEquals(ErrorCodes.IDLE, code(quiet.conn.ofOp("error").get(0)));
        assertFalse(chatty.conn.closed);
        assertFalse(f.service.lookup("ivan").online());
        assertFalse(watcher.conn.ofOp("presence").get(1).get("online").getAsBoolean());
        assertEquals(ErrorCodes.CLOSED, code(quiet.call("{\"op\":\"register\",\"peerId\":\"" + Fixture.peerId(1) + "\"}")));
    }

    @Test
    void transportsWithTheirOwnLivenessAreNotIdleChecked() {
        Fixture f = new Fixture(new RegistryLimits(10, 5, 1024, 64, 100, 10, 5, 100, 64));
        RecordingConnection rtmp = new RecordingConnection();
        RegistrySession s = f.service.open(rtmp, "192.0.2.9", false);
        f.clock.advance(3_600_000);
        assertEquals(0, f.service.sweep());
        assertTrue(s.isOpen());
    }

    @Test
    void limitsFromConfigurationAreEnforced() {
        Fixture f = new Fixture(new RegistryLimits(30, 10, 1024, 3, 5, 2, 2, 10, 64));
        // per-address connections
        for (int i = 0; i < 3; i++) {
            f.service.open(new RecordingConnection(), "198.51.100.7", true);
        }
        RegistryException e = assertThrows(RegistryException.class,
                () -> f.service.open(new RecordingConnection(), "198.51.100.7", true));
        assertEquals(ErrorCodes.TOO_MANY_CONNECTIONS, e.code());
        f.service.open(new RecordingConnection(), "198.51.100.8", true);

        // names held in all (max 5): two accounts in two pages count once
        Fixture.Client a1 = f.account("a");
        f.account("A");
        f.account("b");
        f.account("c");
        f.account("d");
        Fixture.Client e5 = f.account("e");
        assertEquals(ErrorCodes.SERVER_FULL, code(f.client().call("{\"op\":\"hello\",\"v\":1,\"guest\":true}")));
        f.account("e"); // an account already held may open more pages
        f.service.close(e5.session);

        // subscriptions per connection (max 2)
        assertEquals("subscribed", op(a1.call("{\"op\":\"subscribe\",\"names\":[\"x\",\"y\",\"X\"]}")));
        assertEquals(ErrorCodes.TOO_MANY_SUBSCRIPTIONS, code(a1.call("{\"op\":\"subscribe\",\"names\":[\"z\"]}")));
        assertEquals("subscribed", op(a1.call("{\"op\":\"subscribe\",\"names\":[\"y\"]}")));

        // text length and send rate (2 per second)
        Fixture.Client b = f.account("b");
        b.call("{\"op\":\"register\",\"peerId\":\"" + Fixture.peerId(3) + "\"}");
        assertEquals(ErrorCodes.TOO_LONG, code(a1.call("{\"op\":\"send\",\"to\":\"b\",\"text\":\"12345678901\"}")));
        assertEquals("sent", op(a1.call("{\"op\":\"send\",\"to\":\"b\",\"text\":\"1\"}")));
        assertEquals("sent", op(a1.call("{\"op\":\"send\",\"to\":\"b\",\"text\":\"2\"}")));
        assertEquals(ErrorCodes.RATE_LIMITED, code(a1.call("{\"op\":\"send\",\"to\":\"b\",\"text\":\"3\"}")));
        f.clock.advance(500);
        assertEquals("sent", op(a1.call("{\"op\":\"send\",\"to\":\"b\",\"text\":\"4\"}")));
        assertEquals(ErrorCodes.RATE_LIMITED, code(a1.call("{\"op\":\"send\",\"to\":\"b\",\"text\":\"5\"}")));
        assertNotEquals(0, f.service.stats().errors());
    }

    @Test
    void closingEveryConnectionLeavesNoState() {
        Fixture f = new Fixture(new RegistryLimits(30, 10, 1024, 20, 100, 10, 5, 100, 64));
        List<Fixture.Client> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Fixture.Client c = f.new Client("192.0.2.1");
            c.call(i % 2 == 0 ? "{\"op\":\"hello\",\"v\":1,\"token\":\"" + f.token("u" + i) + "\"}"
                    : "{\"op\":\"hello\",\"v\":1,\"guest\":true}");
            c.call("{\"op\":\"register\",\"peerId\":\"" + Fixture.peerId(i) + "\"}");
            c.call("{\"op\":\"subscribe\",\"names\":[\"u0\",\"u2\"]}");
            all.add(c);
        }
        all.forEach(c -> f.service.close(c.session));
        all.forEach(c -> f.service.close(c.session)); // a second report of the same close is harmless
        assertEquals(new RegistryStats(0, 0, 0, 0, 0, 0, 0), f.service.stats());
        for (int i = 0; i < 20; i++) {
            f.service.open(new RecordingConnection(), "192.0.2.1", true); // the address's count went back to 0
        }
    }
}
