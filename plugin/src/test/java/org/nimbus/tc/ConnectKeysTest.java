package org.nimbus.tc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ConnectKeysTest {
    @Test
    void withoutAListEveryConnectIsAdmitted() {
        ConnectKeys k = new ConnectKeys(Set.of());
        assertFalse(k.configured());
        assertTrue(k.admit(null, null).admitted());
        assertTrue(k.admit("anything", 42.0).admitted());
        assertTrue(k.counters().isEmpty(), "nothing counted without a list");
    }

    @Test
    void aListedKeyInThePathOrAsFirstArgumentIsAdmitted() {
        ConnectKeys k = new ConnectKeys(Set.of("dev-1", "dev-2"));
        ConnectKeys.Verdict path = k.admit("dev-1", null);
        assertTrue(path.admitted());
        assertEquals("dev-1", path.key());
        assertTrue(k.admit(null, "dev-2").admitted(), "first connect argument");
        assertTrue(k.admit("dev-2", "ignored").admitted(), "the path's key comes first");
        assertEquals(1L, k.counters().get("accepted.dev-1"));
        assertEquals(2L, k.counters().get("accepted.dev-2"));
    }

    @Test
    void unlistedOrMissingKeysAreRefusedWithAReason() {
        ConnectKeys k = new ConnectKeys(Set.of("dev-1"));
        ConnectKeys.Verdict unknown = k.admit("stolen", null);
        assertFalse(unknown.admitted());
        assertEquals("developer key 'stolen' is not admitted on this server", unknown.reason());
        ConnectKeys.Verdict none = k.admit(null, 7.0);
        assertFalse(none.admitted());
        assertNull(none.key());
        assertTrue(none.reason().contains("rtmfp://host/KEY"), none.reason());
        assertFalse(k.admit("DEV-1", null).admitted(), "keys are exact");
    }

    @Test
    void aFloodOfMadeUpKeysAddsOneCounterOnly() {
        ConnectKeys k = new ConnectKeys(Set.of("dev-1"));
        for (int i = 0; i < 10_000; i++) {
            assertFalse(k.admit("made-up-" + i, null).admitted());
        }
        assertEquals(1, k.counters().size());
        assertEquals(10_000L, k.counters().get("refused." + ConnectKeys.UNLISTED));
    }

    @Test
    void aReloadReplacesTheListAndKeepsCountersOfKeysStillListed() {
        ConnectKeys k = new ConnectKeys(Set.of("old", "kept"));
        k.admit("old", null);
        k.admit("kept", null);
        k.replace(Set.of("kept", "new"));
        assertFalse(k.admit("old", null).admitted());
        assertTrue(k.admit("new", null).admitted());
        assertEquals(1L, k.counters().get("accepted.kept"), "the kept key's count goes on");
        assertNull(k.counters().get("accepted.old"));
    }
}
