package org.nimbus.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The one-node store: a hash map from name key to its holders, registrations and followers. Not thread-safe. */
public final class InMemoryRegistryStore implements RegistryStore {
    private static final class Entry {
        final Set<ConnectionId> holders = new LinkedHashSet<>(2);
        boolean guest;
        /** Newest first. */
        final ArrayList<Registration> registrations = new ArrayList<>(2);
        final Set<ConnectionId> subscribers = new LinkedHashSet<>(2);

        boolean empty() {
            return holders.isEmpty() && registrations.isEmpty() && subscribers.isEmpty();
        }

        boolean removeRegistration(ConnectionId c) {
            return registrations.removeIf(r -> r.connection().equals(c));
        }
    }

    private final String node;
    private final Map<String, Entry> entries = new HashMap<>();
    private int registrationCount;
    private int accounts;
    private int guests;

    public InMemoryRegistryStore() {
        this("");
    }

    public InMemoryRegistryStore(String node) {
        this.node = node;
    }

    private Entry entry(String key) {
        return entries.computeIfAbsent(key, k -> new Entry());
    }

    private void prune(String key, Entry e) {
        if (e.empty()) {
            entries.remove(key);
        }
    }

    @Override
    public String node() {
        return node;
    }

    @Override
    public Hold hold(String key, ConnectionId connection, boolean guest, boolean exclusive, int maxNames) {
        Entry e = entries.get(key);
        boolean held = e != null && !e.holders.isEmpty();
        if (held && exclusive) {
            return Hold.TAKEN;
        }
        if (!held && accounts + guests >= maxNames) {
            return Hold.FULL;
        }
        e = entry(key);
        e.holders.add(connection);
        if (held) {
            return Hold.JOINED;
        }
        e.guest = guest;
        if (guest) {
            guests++;
        } else {
            accounts++;
        }
        return Hold.NEW;
    }

    @Override
    public boolean release(String key, ConnectionId connection) {
        Entry e = entries.get(key);
        if (e == null || !e.holders.remove(connection)) {
            return false;
        }
        boolean free = e.holders.isEmpty();
        if (free) {
            if (e.guest) {
                guests--;
            } else {
                accounts--;
            }
        }
        prune(key, e);
        return free;
    }

    @Override
    public boolean isHeld(String key) {
        Entry e = entries.get(key);
        return e != null && !e.holders.isEmpty();
    }

    @Override
    public boolean register(String key, Registration registration) {
        Entry e = entry(key);
        boolean wasOffline = e.registrations.isEmpty();
        if (!e.removeRegistration(registration.connection())) {
            registrationCount++;
        }
        e.registrations.add(0, registration);
        return wasOffline;
    }

    @Override
    public boolean unregister(String key, ConnectionId connection) {
        Entry e = entries.get(key);
        if (e == null || !e.removeRegistration(connection)) {
            return false;
        }
        registrationCount--;
        boolean offline = e.registrations.isEmpty();
        prune(key, e);
        return offline;
    }

    @Override
    public List<Registration> registrations(String key) {
        Entry e = entries.get(key);
        return e == null ? List.of() : List.copyOf(e.registrations);
    }

    @Override
    public void subscribe(String key, ConnectionId connection) {
        entry(key).subscribers.add(connection);
    }

    @Override
    public void unsubscribe(String key, ConnectionId connection) {
        Entry e = entries.get(key);
        if (e != null) {
            e.subscribers.remove(connection);
            prune(key, e);
        }
    }

    @Override
    public List<ConnectionId> subscribers(String key) {
        Entry e = entries.get(key);
        return e == null ? List.of() : List.copyOf(e.subscribers);
    }

    @Override
    public int registrationCount() {
        return registrationCount;
    }

    @Override
    public int names(boolean guest) {
        return guest ? guests : accounts;
    }
}
