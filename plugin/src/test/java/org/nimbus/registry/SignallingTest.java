package org.nimbus.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

class SignallingTest {
    private static String code(JsonObject o) {
        assertEquals("error", o.get("op").getAsString(), o.toString());
        return o.get("code").getAsString();
    }

    private static Fixture.Client online(Fixture f, String name) {
        Fixture.Client c = f.account(name);
        c.call("{\"op\":\"register\",\"relay\":true}");
        return c;
    }

    @Test
    void signalsFlowBothWaysOnceOneSideReachedTheOther() {
        Fixture f = new Fixture();
        Fixture.Client alice = online(f, "alice");
        Fixture.Client bob = online(f, "bob");
        assertEquals(ErrorCodes.NOT_IN_CONVERSATION, code(alice.call("{\"op\":\"signal\",\"to\":\"bob\",\"data\":{\"sdp\":\"x\"}}")));
        assertTrue(bob.conn.ofOp("signal").isEmpty());

        alice.call("{\"op\":\"lookup\",\"name\":\"bob\"}");
        JsonObject r = alice.call("{\"op\":\"signal\",\"to\":\"bob\",\"data\":{\"type\":\"offer\",\"sdp\":\"v=0\"},\"id\":3}");
        assertEquals("signalled", r.get("op").getAsString(), r.toString());
        assertEquals(1, r.get("delivered").getAsInt());
        JsonObject ev = bob.conn.ofOp("signal").get(0);
        assertEquals("alice", ev.get("from").getAsString());
        assertEquals("offer", ev.getAsJsonObject("data").get("type").getAsString());
        // bob was reached, so he may answer without a lookup of his own
        assertEquals("signalled", bob.call("{\"op\":\"signal\",\"to\":\"alice\",\"data\":{\"type\":\"answer\"}}").get("op").getAsString());
        assertEquals(1, alice.conn.ofOp("signal").size());
    }

    @Test
    void aConnectionTakingTheNameLaterGetsNothingMeantForTheOneBefore() {
        Fixture f = new Fixture();
        Fixture.Client alice = online(f, "alice");
        Fixture.Client bob = online(f, "bob");
        alice.call("{\"op\":\"send\",\"to\":\"bob\",\"text\":\"hi\"}");
        f.service.close(bob.session);
        Fixture.Client bob2 = online(f, "bob");
        assertEquals(ErrorCodes.NOT_IN_CONVERSATION, code(alice.call("{\"op\":\"signal\",\"to\":\"bob\",\"data\":\"c\"}")));
        assertTrue(bob2.conn.ofOp("signal").isEmpty());
    }

    @Test
    void offlineOversizedMissingAndFloodedSignalsAreRefused() {
        Fixture f = new Fixture();
        Fixture.Client alice = online(f, "alice");
        Fixture.Client bob = online(f, "bob");
        assertEquals(ErrorCodes.UNKNOWN_USER, code(alice.call("{\"op\":\"signal\",\"to\":\"nobody\",\"data\":1}")));
        alice.call("{\"op\":\"lookup\",\"name\":\"bob\"}");
        assertEquals(ErrorCodes.BAD_REQUEST, code(alice.call("{\"op\":\"signal\",\"to\":\"bob\"}")));
        String big = "x".repeat(16384);
        assertEquals(ErrorCodes.TOO_LONG, code(alice.call("{\"op\":\"signal\",\"to\":\"bob\",\"data\":\"" + big + "\"}")));
        int ok = 0;
        for (int i = 0; i < 100; i++) {
            JsonObject r = alice.call("{\"op\":\"signal\",\"to\":\"bob\",\"data\":{\"candidate\":" + i + "}}");
            if (r.get("op").getAsString().equals("signalled")) {
                ok++;
            } else {
                assertEquals(ErrorCodes.RATE_LIMITED, code(r));
            }
        }
        assertEquals(RegistryService.WebRtc.DEFAULTS.signalRate() - 1, ok, "one second's worth of the bucket, less the signal to nobody");
        assertEquals(ok, bob.conn.ofOp("signal").size());
        f.clock.advance(1000);
        assertEquals("signalled", alice.call("{\"op\":\"signal\",\"to\":\"bob\",\"data\":0}").get("op").getAsString());
        Fixture.Client anon = f.client();
        assertEquals(ErrorCodes.NOT_AUTHENTICATED, code(anon.call("{\"op\":\"signal\",\"to\":\"bob\",\"data\":0}")));
    }

    @Test
    void contactsAreBoundedOldestForgottenFirst() {
        Fixture f = new Fixture(new RegistryLimits(30, 10, 65536, 1000, 1000, 10, 1000, 100, 0));
        Fixture.Client alice = online(f, "alice");
        Fixture.Client first = online(f, "u0");
        for (int i = 0; i <= Signalling.MAX_CONTACTS; i++) {
            if (i > 0) {
                online(f, "u" + i);
            }
            alice.call("{\"op\":\"lookup\",\"name\":\"u" + i + "\"}");
        }
        assertEquals(Signalling.MAX_CONTACTS, alice.session.contacts.size());
        assertEquals(ErrorCodes.NOT_IN_CONVERSATION, code(alice.call("{\"op\":\"signal\",\"to\":\"u0\",\"data\":0}")));
        assertEquals("signalled", alice.call("{\"op\":\"signal\",\"to\":\"u1\",\"data\":0}").get("op").getAsString());
        assertTrue(first.conn.ofOp("signal").isEmpty());
    }

    @Test
    void sendCarriesTheMessageIdAndRefusesABadOne() {
        Fixture f = new Fixture();
        Fixture.Client alice = online(f, "alice");
        Fixture.Client bob = online(f, "bob");
        alice.call("{\"op\":\"send\",\"to\":\"bob\",\"text\":\"hi\",\"mid\":\"a-1.2_x\"}");
        assertEquals("a-1.2_x", bob.conn.ofOp("message").get(0).get("mid").getAsString());
        assertEquals(ErrorCodes.BAD_REQUEST, code(alice.call("{\"op\":\"send\",\"to\":\"bob\",\"text\":\"hi\",\"mid\":\"a b\"}")));
        alice.call("{\"op\":\"send\",\"to\":\"bob\",\"text\":\"no id\"}");
        assertTrue(!bob.conn.ofOp("message").get(1).has("mid"));
    }
}
