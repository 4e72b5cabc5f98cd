package org.nimbus.registry;

import java.util.List;

/**
 * The registry's shared state, keyed by name key ({@link Names#key}), in identifiers and values
 * only: which connections hold a name, which registered it (with their peer ID, newest first),
 * and who follows it. Connections are {@link ConnectionId}s (a node and a number there), so a
 * store shared by several nodes (Redis) implements the same calls as the one-node store; the
 * service maps its own connections' IDs to live connections. Called under the service's lock.
 * Each call is atomic on its own (the check-then-act steps of {@link #hold} and
 * {@link #register} included); a shared store that cannot be reached throws a
 * {@link RegistryException} with code {@link ErrorCodes#CLUSTER_UNAVAILABLE}.
 */
public interface RegistryStore {
    /** A connection of some node: its node's name ({@code cluster.node_id}, empty alone) and its number there. */
    record ConnectionId(String node, long id) {
        /** "node/id", as stores and node messages write it. */
        public String text() {
            return node + "/" + id;
        }

        public static ConnectionId parse(String text) {
            int slash = text.lastIndexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException("not a connection ID: " + text);
            }
            return new ConnectionId(text.substring(0, slash), Long.parseLong(text.substring(slash + 1)));
        }
    }

    /** One registration: the connection, the name as it said it, its peer ID (null: relay-only) and whether reg.cgi made it. */
    record Registration(ConnectionId connection, String name, String peerId, boolean legacy) {
    }

    /** What {@link #hold} did. */
    enum Hold {
        /** The name was free and is now held (it counts against max_names). */
        NEW,
        /** The name was held already (an account on another connection); now by this one too. */
        JOINED,
        /** The name was free but max_names names are held: nothing changed. */
        FULL,
        /** An exclusive hold (a guest name) of a name already held: nothing changed. */
        TAKEN
    }

    /** This store's node name: the {@link ConnectionId#node()} of the service's connections. */
    String node();

    /**
     * Holds the name for the connection. A free name is taken only while fewer than maxNames are
     * held; exclusive (guest names) refuses a name held already.
     */
    Hold hold(String key, ConnectionId connection, boolean guest, boolean exclusive, int maxNames);

    /** The connection lets the name go; true when it was the last holder (the name is free). */
    boolean release(String key, ConnectionId connection);

    boolean isHeld(String key);

    /** Adds the registration, or replaces the connection's and moves it to the front; true when the name was offline before. */
    boolean register(String key, Registration registration);

    /** Drops the connection's registration; true when the name went offline with it. */
    boolean unregister(String key, ConnectionId connection);

    /** The name's registrations, newest first; empty when offline. */
    List<Registration> registrations(String key);

    void subscribe(String key, ConnectionId connection);

    void unsubscribe(String key, ConnectionId connection);

    /** Who follows the name (any node). */
    List<ConnectionId> subscribers(String key);

    /** Registrations of this node's connections. */
    int registrationCount();

    /** Names held, accounts (guest false) or guests. */
    int names(boolean guest);
}
