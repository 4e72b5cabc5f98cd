package org.nimbus.registry;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The registry's figures per transport ({@link RegistryConnection#transport()}): connections and
 * names held now, lookups and relayed sends since start. Updated by the service under its lock
 * where each happens; read from any thread (metrics, the status page) without that lock.
 */
public final class TransportFigures {
    /** One transport's figures. */
    public static final class Figures {
        final AtomicLong connections = new AtomicLong();
        final AtomicLong names = new AtomicLong();
        final LongAdder lookups = new LongAdder();
        final LongAdder relays = new LongAdder();

        public long connections() {
            return connections.get();
        }

        public long names() {
            return names.get();
        }

        public long lookups() {
            return lookups.sum();
        }

        public long relays() {
            return relays.sum();
        }
    }

    private final Map<String, Figures> byTransport = new ConcurrentHashMap<>();

    Figures of(String transport) {
        return byTransport.computeIfAbsent(transport, k -> new Figures());
    }

    /** Every transport seen since start, by name. */
    public Map<String, Figures> snapshot() {
        return new TreeMap<>(byTransport);
    }
}
