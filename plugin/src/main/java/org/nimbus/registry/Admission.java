package org.nimbus.registry;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Who is let in: connections per address ({@code registry.max_connections_per_ip}, over all
 * transports) and names held at once ({@code registry.max_names}, accounts and guests), and the
 * open connections the sweep checks. Called under the service's lock.
 */
final class Admission {
    private final RegistryLimits limits;
    private final Set<RegistrySession> sessions = new LinkedHashSet<>();
    private final Map<String, Integer> perAddress = new HashMap<>();
    private int accounts;
    private int guests;

    Admission(RegistryLimits limits) {
        this.limits = limits;
    }

    /** A new connection from address (an IP literal); refused with too-many-connections beyond the limit. */
    RegistrySession open(RegistryConnection connection, String address, boolean idleChecked, long now, int signalRate) {
        int n = perAddress.getOrDefault(address, 0);
        if (n >= limits.maxConnectionsPerIp()) {
            throw new RegistryException(ErrorCodes.TOO_MANY_CONNECTIONS,
                    "at most " + limits.maxConnectionsPerIp() + " connections per address");
        }
        perAddress.put(address, n + 1);
        RegistrySession s = new RegistrySession(connection, address, idleChecked, now, limits.sendRate(), signalRate);
        sessions.add(s);
        return s;
    }

    void closed(RegistrySession s) {
        sessions.remove(s);
        perAddress.computeIfPresent(s.address, (a, n) -> n <= 1 ? null : n - 1);
    }

    /** Refuses with server-full when the registry holds its maximum of names. */
    void requireRoomForName() {
        if (accounts + guests >= limits.maxNames()) {
            throw new RegistryException(ErrorCodes.SERVER_FULL, "the registry holds its maximum of names");
        }
    }

    void nameTaken(boolean guest) {
        if (guest) {
            guests++;
        } else {
            accounts++;
        }
    }

    void nameReleased(boolean guest) {
        if (guest) {
            guests--;
        } else {
            accounts--;
        }
    }

    Collection<RegistrySession> sessions() {
        return sessions;
    }

    int accounts() {
        return accounts;
    }

    int guests() {
        return guests;
    }
}
