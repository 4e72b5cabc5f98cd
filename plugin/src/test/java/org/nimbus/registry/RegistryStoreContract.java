package org.nimbus.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nimbus.registry.RegistryStore.ConnectionId;
import org.nimbus.registry.RegistryStore.Hold;
import org.nimbus.registry.RegistryStore.Registration;

/**
 * What every {@link RegistryStore} does, run against each store by a subclass (the in-memory
 * one, and Redis on a real redis-server): the same calls give the same answers.
 */
public abstract class RegistryStoreContract {
    private static final String P1 = "1".repeat(64);
    private static final String P2 = "2".repeat(64);

    /** A fresh, empty store. */
    protected abstract RegistryStore store();

    private ConnectionId c(RegistryStore s, long id) {
        return new ConnectionId(s.node(), id);
    }

    @Test
    void aNameCountsOnceAgainstTheBoundAndGuestNamesAreExclusive() {
        RegistryStore s = store();
        assertEquals(Hold.NEW, s.hold("alice", c(s, 1), false, false, 2));
        assertEquals(Hold.JOINED, s.hold("alice", c(s, 2), false, false, 2), "an account on a second connection");
        assertEquals(Hold.NEW, s.hold("guest-aaaaaaaa", c(s, 3), true, true, 2));
        assertEquals(Hold.TAKEN, s.hold("guest-aaaaaaaa", c(s, 4), true, true, 2));
        assertEquals(Hold.FULL, s.hold("bob", c(s, 5), false, false, 2), "two names held, at most two");
        assertEquals(Hold.JOINED, s.hold("alice", c(s, 6), false, false, 2), "a held name joins even when full");
        assertEquals(1, s.names(false));
        assertEquals(1, s.names(true));
        assertTrue(s.isHeld("alice"));
        assertFalse(s.isHeld("bob"));
        assertFalse(s.release("alice", c(s, 1)));
        assertFalse(s.release("alice", c(s, 2)));
        assertFalse(s.release("alice", c(s, 99)), "a connection that never held it");
        assertTrue(s.release("alice", c(s, 6)), "the last holder frees the name");
        assertFalse(s.isHeld("alice"));
        assertEquals(0, s.names(false));
        assertEquals(Hold.NEW, s.hold("bob", c(s, 5), false, false, 2), "room again");
    }

    @Test
    void registrationsAreNewestFirstAndSayWhenTheNameComesAndGoes() {
        RegistryStore s = store();
        assertEquals(List.of(), s.registrations("alice"));
        assertTrue(s.register("alice", new Registration(c(s, 1), "Alice", P1, false)), "came online");
        assertFalse(s.register("alice", new Registration(c(s, 2), "Alice", null, false)), "online already");
        assertEquals(List.of(new Registration(c(s, 2), "Alice", null, false), new Registration(c(s, 1), "Alice", P1, false)),
                s.registrations("alice"));
        assertEquals(2, s.registrationCount());
        // re-registering replaces the connection's value and moves it to the front
        assertFalse(s.register("alice", new Registration(c(s, 1), "Alice", P2, false)));
        List<Registration> regs = s.registrations("alice");
        assertEquals(2, regs.size());
        assertEquals(P2, regs.get(0).peerId());
        assertNull(regs.get(1).peerId(), "relay-only: no peer ID");
        assertEquals(2, s.registrationCount());
        assertFalse(s.unregister("alice", c(s, 1)));
        assertFalse(s.unregister("alice", c(s, 1)), "twice: nothing to drop");
        assertTrue(s.unregister("alice", c(s, 2)), "the last registration: offline");
        assertEquals(List.of(), s.registrations("alice"));
        assertEquals(0, s.registrationCount());
        assertTrue(s.register("legacy", new Registration(c(s, 3), "Legacy|Name", P1, true)));
        assertEquals(List.of(new Registration(c(s, 3), "Legacy|Name", P1, true)), s.registrations("legacy"));
    }

    @Test
    void followersAreASet() {
        RegistryStore s = store();
        assertEquals(List.of(), s.subscribers("alice"));
        s.subscribe("alice", c(s, 1));
        s.subscribe("alice", c(s, 1));
        s.subscribe("alice", c(s, 2));
        assertEquals(2, s.subscribers("alice").size());
        assertTrue(s.subscribers("alice").containsAll(List.of(c(s, 1), c(s, 2))));
        s.unsubscribe("alice", c(s, 1));
        s.unsubscribe("alice", c(s, 1));
        assertEquals(List.of(c(s, 2)), s.subscribers("alice"));
        s.unsubscribe("alice", c(s, 2));
        assertEquals(List.of(), s.subscribers("alice"));
        assertFalse(s.isHeld("alice"), "following a name does not hold it");
    }
}
