package org.nimbus.registry;

import java.util.Collection;
import java.util.List;

/**
 * The registry's state, keyed by name key ({@link Names#key}): who holds a name, which of its
 * connections registered a peer ID (newest first), and who follows it. The service calls it
 * under its own lock. The in-memory store serves one node; a shared store (several nodes) would
 * implement the same calls.
 */
public interface RegistryStore {
    void hold(String key, RegistrySession session);

    void release(String key, RegistrySession session);

    boolean isHeld(String key);

    /** Adds or moves the session to the front of the name's registrations. */
    void register(String key, RegistrySession session);

    void unregister(String key, RegistrySession session);

    /** The name's registered sessions, newest registration first; empty when offline. */
    List<RegistrySession> registrations(String key);

    void subscribe(String key, RegistrySession session);

    void unsubscribe(String key, RegistrySession session);

    Collection<RegistrySession> subscribers(String key);

    /** Sessions registered under any name. */
    int registrationCount();
}
