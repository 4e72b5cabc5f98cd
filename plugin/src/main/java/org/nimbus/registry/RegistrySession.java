package org.nimbus.registry;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.nimbus.ratelimit.TokenBucket;

/**
 * What the registry knows about one connection: its address, the name hello gave it, its
 * registered peer ID (or relay-only registration), what it follows, its send rate, and the times
 * that keepalive and frame timeouts check. Mutable fields other than the two timestamps are
 * touched only under the service's lock.
 */
public final class RegistrySession {
    /** This connection in the store: its node and its number there. */
    final RegistryStore.ConnectionId id;
    final RegistryConnection connection;
    final String address;
    /** False where the transport has its own liveness check (Red5 pings NetConnections). */
    final boolean idleChecked;
    volatile String name;
    String key;
    boolean guest;
    /** The registered peer ID, or null (none registered, or relay-only). */
    String peerId;
    /** Registered relay-only: online and reachable by relayed send, with no peer ID. */
    boolean relay;
    /** A registration of the Cirrus samples' web service ({@link LegacyIds}): no connection behind it. */
    boolean legacy;
    final Set<String> subscriptions = new HashSet<>();
    /** Relayed sends (registry.send_rate a second); used under the service's lock. */
    final TokenBucket sends;
    /** Signals (webrtc.signal_rate a second); used under the service's lock. */
    final TokenBucket signals;
    /** Connections this one reached ({@link Signalling}), the oldest dropped beyond 256. */
    final Map<RegistrySession, Boolean> contacts = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<RegistrySession, Boolean> eldest) {
            return size() > Signalling.MAX_CONTACTS;
        }
    };
    boolean open = true;
    private volatile long lastSeenMillis;
    private volatile long partialSinceMillis = -1;

    RegistrySession(RegistryStore.ConnectionId id, RegistryConnection connection, String address, boolean idleChecked,
                    long now, int sendRate) {
        this(id, connection, address, idleChecked, now, sendRate, 1);
    }

    RegistrySession(RegistryStore.ConnectionId id, RegistryConnection connection, String address, boolean idleChecked,
                    long now, int sendRate, int signalRate) {
        this.id = id;
        this.connection = connection;
        this.address = address;
        this.idleChecked = idleChecked;
        this.lastSeenMillis = now;
        this.sends = new TokenBucket(sendRate, now);
        this.signals = new TokenBucket(signalRate, now);
    }

    public RegistryConnection connection() {
        return connection;
    }

    /** The name hello gave, or null before hello. */
    public String name() {
        return name;
    }

    public boolean isOpen() {
        return open;
    }

    long lastSeenMillis() {
        return lastSeenMillis;
    }

    void seen(long now) {
        lastSeenMillis = now;
    }

    long partialSinceMillis() {
        return partialSinceMillis;
    }

    /** A stream transport reports that a frame has begun (now) or ended (-1). */
    void partial(long since) {
        partialSinceMillis = since;
    }
}
