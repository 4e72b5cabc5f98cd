package org.nimbus.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nimbus.store.JdbcMessageStore;

/** Offline delivery through the protocol, on a real embedded H2 store. */
class MailboxTest {
    @TempDir
    Path dir;
    private JdbcMessageStore store;
    private ExecutorService executor;
    private Fixture f;

    @BeforeEach
    void open() throws Exception {
        store = JdbcMessageStore.open("jdbc:h2:file:" + dir.resolve("s").toAbsolutePath(), "", "");
        executor = Executors.newSingleThreadExecutor();
        f = new Fixture(RegistryLimits.defaults(), new Mailbox(store, executor, 3, 10_000));
    }

    @AfterEach
    void close() {
        executor.shutdownNow();
        store.close();
    }

    /** Waits until the store's executor ran everything queued before (it is one thread, in order). */
    private void drain() throws Exception {
        executor.submit(() -> { }).get();
    }

    @Test
    void aSendToAnOfflineAccountIsStoredAndDeliveredOldestFirstUntilAcknowledged() throws Exception {
        Fixture.Client alice = f.account("alice");
        for (int i = 0; i < 3; i++) {
            JsonObject r = alice.call("{\"op\":\"send\",\"to\":\"Bob\",\"text\":\"t" + i + "\",\"mid\":\"m" + i + "\"}");
            assertEquals("sent", r.get("op").getAsString(), r.toString());
            assertTrue(r.get("stored").getAsBoolean());
        }
        JsonObject full = alice.call("{\"op\":\"send\",\"to\":\"bob\",\"text\":\"t3\"}");
        assertEquals(ErrorCodes.MAILBOX_FULL, full.get("code").getAsString(), full.toString());

        Fixture.Client bob = f.account("bob");
        bob.call("{\"op\":\"register\",\"relay\":true}");
        drain();
        List<JsonObject> got = bob.conn.ofOp("message");
        assertEquals(List.of("t0", "t1", "t2"), got.stream().map(m -> m.get("text").getAsString()).toList());
        assertEquals("m0", got.get(0).get("mid").getAsString());
        long first = got.get(0).get("sid").getAsLong();

        Fixture.Client mallory = f.account("mallory");
        JsonObject stolen = mallory.call("{\"op\":\"ack\",\"sid\":" + first + "}");
        assertEquals(ErrorCodes.UNKNOWN_MESSAGE, stolen.get("code").getAsString(), "no one acknowledges another's message");
        assertEquals("acked", bob.call("{\"op\":\"ack\",\"sid\":" + first + "}").get("op").getAsString());

        Fixture.Client bob2 = f.account("bob");
        bob2.call("{\"op\":\"register\",\"relay\":true}");
        drain();
        assertEquals(List.of("t1", "t2"), bob2.conn.ofOp("message").stream().map(m -> m.get("text").getAsString()).toList(),
                "unacknowledged ones come again (at least once)");
    }

    @Test
    void guestsNeitherStoreNorReceiveStoredMessages() throws Exception {
        Fixture.Client guest = f.client();
        guest.call("{\"op\":\"hello\",\"v\":1,\"guest\":true}");
        JsonObject r = guest.call("{\"op\":\"send\",\"to\":\"bob\",\"text\":\"hi\"}");
        assertEquals(ErrorCodes.UNKNOWN_USER, r.get("code").getAsString(), r.toString());
        Fixture.Client alice = f.account("alice");
        JsonObject toGuest = alice.call("{\"op\":\"send\",\"to\":\"guest-abcdefgh\",\"text\":\"hi\"}");
        assertEquals(ErrorCodes.UNKNOWN_USER, toGuest.get("code").getAsString(), toGuest.toString());
        assertEquals(0, store.undelivered("bob", 0, 10).size());
    }

    @Test
    void anUnreachableStoreIsAnErrorNotStored() throws Exception {
        Fixture.Client alice = f.account("alice");
        store.close();
        // the database file replaced so the store cannot reopen it
        try (var files = java.nio.file.Files.list(dir)) {
            for (Path p : files.toList()) {
                java.nio.file.Files.delete(p);
            }
        }
        java.nio.file.Files.createDirectory(dir.resolve("s.mv.db"));
        JsonObject r = alice.call("{\"op\":\"send\",\"to\":\"bob\",\"text\":\"hi\"}");
        assertEquals(ErrorCodes.STORE_UNAVAILABLE, r.get("code").getAsString(), r.toString());
        assertFalse(r.has("stored"));
    }

    @Test
    void historyHoldsStoredRelayedAndRecordedMessagesNewestFirstAndForgetEmptiesIt() throws Exception {
        Fixture.Client alice = f.account("alice");
        alice.call("{\"op\":\"send\",\"to\":\"bob\",\"text\":\"stored\",\"mid\":\"a1\"}");
        Fixture.Client bob = f.account("bob");
        bob.call("{\"op\":\"register\",\"relay\":true}");
        alice.call("{\"op\":\"send\",\"to\":\"bob\",\"text\":\"relayed\",\"mid\":\"a2\"}");
        JsonObject rec = bob.call("{\"op\":\"record\",\"to\":\"alice\",\"text\":\"p2p\",\"mid\":\"b1\"}");
        assertEquals("recorded", rec.get("op").getAsString(), rec.toString());
        drain();
        JsonObject h = alice.call("{\"op\":\"history\",\"with\":\"Bob\",\"limit\":2}");
        assertEquals("history", h.get("op").getAsString(), h.toString());
        var msgs = h.getAsJsonArray("messages");
        assertEquals(List.of("p2p", "relayed"), msgs.asList().stream().map(m -> m.getAsJsonObject().get("text").getAsString()).toList());
        long oldestShown = msgs.get(1).getAsJsonObject().get("sid").getAsLong();
        JsonObject earlier = alice.call("{\"op\":\"history\",\"with\":\"bob\",\"before\":" + oldestShown + "}");
        assertEquals(1, earlier.getAsJsonArray("messages").size());
        assertEquals("stored", earlier.getAsJsonArray("messages").get(0).getAsJsonObject().get("text").getAsString());

        Fixture.Client mallory = f.account("mallory");
        JsonObject snoop = mallory.call("{\"op\":\"history\",\"with\":\"bob\"}");
        assertEquals(0, snoop.getAsJsonArray("messages").size(), "one sees only one's own conversations");

        Fixture.Client guest = f.client();
        guest.call("{\"op\":\"hello\",\"v\":1,\"guest\":true}");
        assertEquals(ErrorCodes.NO_HISTORY, guest.call("{\"op\":\"history\",\"with\":\"bob\"}").get("code").getAsString());

        JsonObject forgot = alice.call("{\"op\":\"forget\"}");
        assertEquals(3, forgot.get("deleted").getAsInt(), forgot.toString());
        assertEquals(0, bob.call("{\"op\":\"history\",\"with\":\"alice\"}").getAsJsonArray("messages").size());
    }
}
