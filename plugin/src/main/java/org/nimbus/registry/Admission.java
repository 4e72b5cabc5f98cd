package org.nimbus.registry;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who is let in: connections per address ({@code registry.max_connections_per_ip}, over all
 * transports), and this node's open connections by number (what the sweep checks, and how the
 * store's {@link RegistryStore.ConnectionId}s of this node map back to live connections). The
 * names bound ({@code registry.max_names}) is the store's, as several nodes share it. Called
 * under the service's lock.
 */
final class Admission {
    private final RegistryLimits limits;
    private final String node;
    private final Map<Long, RegistrySession> sessions = new LinkedHashMap<>();
    private final Map<String, Integer> perAddress = new HashMap<>();
    private long lastId;

    Admission(RegistryLimits limits, String node) {
        this.limits = limits;
        this.node = node;
    }

    /** A new number for a connection of this node (reg.cgi's registrations included). */
    RegistryStore.ConnectionId nextId() {
        return new RegistryStore.ConnectionId(node, ++lastId);
    }

    /** The live connection of this node with that ID, or null (another node's, or gone). */
    RegistrySession local(RegistryStore.ConnectionId id) {
        return id.node().equals(node) ? sessions.get(id.id()) : null;
    }

    boolean isLocal(RegistryStore.ConnectionId id) {
        return id.node().equals(node);
    }

    /** A new connection from address (an IP literal); refused with too-many-connections beyond the limit. */
    RegistrySession open(RegistryConnection connection, String address, boolean idleChecked, long now, int signalRate) {
        int n = perAddress.getOrDefault(address, 0);
        if (n >= limits.maxConnectionsPerIp()) {
            throw new RegistryException(ErrorCodes.TOO_MANY_CONNECTIONS,
                    "at most " + limits.maxConnectionsPerIp() + " connections per address");
        }
        perAddress.put(address, n + 1);
        RegistrySession s = new RegistrySession(nextId(), connection, address, idleChecked, now, limits.sendRate(),
                signalRate);
        sessions.put(s.id.id(), s);
        return s;
    }

    void closed(RegistrySession s) {
        sessions.remove(s.id.id());
        perAddress.computeIfPresent(s.address, (a, n) -> n <= 1 ? null : n - 1);
    }

    Collection<RegistrySession> sessions() {
        return sessions.values();
    }
}
