package org.nimbus.registry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The one-node store: a hash map from name key to its holders, registrations and followers. Not thread-safe. */
public final class InMemoryRegistryStore implements RegistryStore {
    private static final class Entry {
        final Set<RegistrySession> holders = new LinkedHashSet<>(2);
        final ArrayDeque<RegistrySession> registrations = new ArrayDeque<>(2);
        final Set<RegistrySession> subscribers = new LinkedHashSet<>(2);

        boolean empty() {
            return holders.isEmpty() && registrations.isEmpty() && subscribers.isEmpty();
        }
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private int registrationCount;

    private Entry entry(String key) {
        return entries.computeIfAbsent(key, k -> new Entry());
    }

    private void prune(String key, Entry e) {
        if (e.empty()) {
            entries.remove(key);
        }
    }

    @Override
    public void hold(String key, RegistrySession session) {
        entry(key).holders.add(session);
    }

    @Override
    public void release(String key, RegistrySession session) {
        Entry e = entries.get(key);
        if (e != null) {
            e.holders.remove(session);
            prune(key, e);
        }
    }

    @Override
    public boolean isHeld(String key) {
        Entry e = entries.get(key);
        return e != null && !e.holders.isEmpty();
    }

    @Override
    public void register(String key, RegistrySession session) {
        Entry e = entry(key);
        if (!e.registrations.remove(session)) {
            registrationCount++;
        }
        e.registrations.addFirst(session);
    }

    @Override
    public void unregister(String key, RegistrySession session) {
        Entry e = entries.get(key);
        if (e != null && e.registrations.remove(session)) {
            registrationCount--;
            prune(key, e);
        }
    }

    @Override
    public List<RegistrySession> registrations(String key) {
        Entry e = entries.get(key);
        return e == null ? List.of() : new ArrayList<>(e.registrations);
    }

    @Override
    public void subscribe(String key, RegistrySession session) {
        entry(key).subscribers.add(session);
    }

    @Override
    public void unsubscribe(String key, RegistrySession session) {
        Entry e = entries.get(key);
        if (e != null) {
            e.subscribers.remove(session);
            prune(key, e);
        }
    }

    @Override
    public Collection<RegistrySession> subscribers(String key) {
        Entry e = entries.get(key);
        return e == null ? List.of() : List.copyOf(e.subscribers);
    }

    @Override
    public int registrationCount() {
        return registrationCount;
    }
}
