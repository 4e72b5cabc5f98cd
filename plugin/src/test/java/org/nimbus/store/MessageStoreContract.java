package org.nimbus.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What every {@link MessageStore} must do, run against H2 (in-process) and PostgreSQL (a real cluster). */
abstract class MessageStoreContract {

    /** A store on an empty database. */
    abstract MessageStore store() throws Exception;

    @Test
    void undeliveredComeOldestFirstAndLeaveOnlyWhenAcknowledgedByTheirRecipient() throws Exception {
        MessageStore s = store();
        for (int i = 0; i < 5; i++) {
            assertEquals(MessageStore.Stored.STORED, s.store("alice", "bob", "m" + i, "text " + i, 1000 + i, true, 100));
        }
        List<StoredMessage> waiting = s.undelivered("bob", 0, 10);
        assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), waiting.stream().map(StoredMessage::mid).toList());
        assertEquals(2, s.undelivered("bob", waiting.get(2).id(), 2).size(), "paged after an ID");
        assertFalse(s.acknowledge("mallory", waiting.get(0).id()), "only the recipient acknowledges");
        assertTrue(s.acknowledge("bob", waiting.get(0).id()));
        assertFalse(s.acknowledge("bob", waiting.get(0).id()), "an acknowledgement counts once");
        assertEquals(4, s.undelivered("bob", 0, 10).size());
        assertEquals(5, s.history("bob", "alice", Long.MAX_VALUE, 10).size(), "acknowledged stays in history");
    }

    @Test
    void aSecondSendWithTheSameIdIsKeptOnce() throws Exception {
        MessageStore s = store();
        assertEquals(MessageStore.Stored.STORED, s.store("alice", "bob", "x", "hi", 1, true, 100));
        assertEquals(MessageStore.Stored.DUPLICATE, s.store("alice", "bob", "x", "hi", 1, true, 100));
        assertEquals(MessageStore.Stored.STORED, s.store("carol", "bob", "x", "hi", 1, true, 100), "IDs are per sender");
        assertEquals(2, s.undelivered("bob", 0, 10).size());
    }

    @Test
    void aFullMailboxRefusesUntilSomethingIsAcknowledged() throws Exception {
        MessageStore s = store();
        for (int i = 0; i < 3; i++) {
            assertEquals(MessageStore.Stored.STORED, s.store("alice", "bob", "m" + i, "t", i, true, 3));
        }
        assertEquals(MessageStore.Stored.MAILBOX_FULL, s.store("alice", "bob", "m3", "t", 3, true, 3));
        assertEquals(MessageStore.Stored.STORED, s.store("alice", "bob", "d", "t", 3, false, 3), "delivered ones do not count");
        assertEquals(MessageStore.Stored.STORED, s.store("alice", "carol", "m4", "t", 3, true, 3), "per account");
        s.acknowledge("bob", s.undelivered("bob", 0, 1).get(0).id());
        assertEquals(MessageStore.Stored.STORED, s.store("alice", "bob", "m5", "t", 4, true, 3));
    }

    @Test
    void historyIsOneConversationNewestFirstAndPaged() throws Exception {
        MessageStore s = store();
        s.store("alice", "bob", "1", "a1", 1, false, 10);
        s.store("bob", "alice", "2", "b2", 2, false, 10);
        s.store("alice", "carol", "3", "other conversation", 3, false, 10);
        s.store("alice", "bob", "4", "a4", 4, true, 10);
        List<StoredMessage> page = s.history("alice", "bob", Long.MAX_VALUE, 2);
        assertEquals(List.of("a4", "b2"), page.stream().map(StoredMessage::text).toList());
        List<StoredMessage> next = s.history("alice", "bob", page.get(1).id(), 2);
        assertEquals(List.of("a1"), next.stream().map(StoredMessage::text).toList());
        assertEquals(3, s.history("bob", "alice", Long.MAX_VALUE, 10).size(), "the same conversation from the other side");
    }

    @Test
    void forgetDeletesEveryMessageOfTheAccountAndExpireTheOldOnes() throws Exception {
        MessageStore s = store();
        s.store("alice", "bob", "1", "t", 10, true, 10);
        s.store("bob", "alice", "2", "t", 20, false, 10);
        s.store("bob", "carol", "3", "t", 30, false, 10);
        assertEquals(2, s.forget("alice"));
        assertEquals(0, s.history("bob", "alice", Long.MAX_VALUE, 10).size());
        assertEquals(1, s.history("bob", "carol", Long.MAX_VALUE, 10).size());
        s.store("bob", "carol", "4", "t", 100, false, 10);
        assertEquals(1, s.expire(50));
        assertEquals(List.of("4"), s.history("carol", "bob", Long.MAX_VALUE, 10).stream().map(StoredMessage::mid).toList());
    }

    @Test
    void sqlMetacharactersAreDataInEveryField() throws Exception {
        MessageStore s = store();
        String evil = "x'); DROP TABLE nimbus_message; --\"\\%_";
        assertEquals(MessageStore.Stored.STORED, s.store(evil, evil + "2", evil, evil + " ? ' \" ; \u00e9\ud83d\ude00", 1, true, 10));
        StoredMessage m = s.undelivered(evil + "2", 0, 10).get(0);
        assertEquals(evil, m.from());
        assertEquals(evil, m.mid());
        assertEquals(evil + " ? ' \" ; \u00e9\ud83d\ude00", m.text());
        assertEquals(0, s.undelivered("x%", 0, 10).size(), "no pattern matching on names");
        assertEquals(1, s.history(evil + "2", evil, Long.MAX_VALUE, 10).size());
        assertEquals(1, s.forget(evil));
    }

    @Test
    void aNulCharacterIsRefusedBeforeTheDatabase() throws Exception {
        // PostgreSQL text cannot hold U+0000; every store refuses it alike, so no backend keeps what another cannot.
        MessageStore s = store();
        assertThrows(IllegalArgumentException.class, () -> s.store("alice", "bob", "1", "a\u0000b", 1, true, 10));
        assertThrows(IllegalArgumentException.class, () -> s.store("alice", "b\u0000", "1", "t", 1, true, 10));
        assertEquals(0, s.undelivered("bob", 0, 10).size());
    }

    @Test
    void aClosedDatabaseIsAClearErrorNotAClaimOfStored() throws Exception {
        MessageStore s = store();
        breakDatabase();
        StoreException e = assertThrows(StoreException.class, () -> s.store("alice", "bob", "1", "t", 1, true, 10));
        assertTrue(e.getMessage().startsWith("message store store failed"), e.getMessage());
    }

    /** Makes the database unreachable for the rest of the test. */
    abstract void breakDatabase() throws Exception;
}
