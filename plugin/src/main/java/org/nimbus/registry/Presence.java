package org.nimbus.registry;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Registrations and presence: each connection registers one peer ID or registers relay-only; a
 * user is online while any of its connections is registered, and its followers hear each change
 * (a {@code presence} event). Lookups list a user's peer IDs, newest first. Called under the
 * service's lock.
 */
final class Presence {
    private static final Pattern PEER_ID = Pattern.compile("[0-9a-f]{64}");

    private final RegistryStore store;
    private final Admission admission;
    private final NodeLink link;

    Presence(RegistryStore store, Admission admission, NodeLink link) {
        this.store = store;
        this.admission = admission;
        this.link = link;
    }

    /** Binds peerId to the connection's name, replacing what it registered before. */
    void register(RegistrySession s, String peerId) {
        replaceRegistration(s, peerId(peerId), false);
    }

    void registerRelay(RegistrySession s) {
        replaceRegistration(s, null, true);
    }

    /** The connection's one registration, replacing what it held; the user comes online if it was not. */
    private void replaceRegistration(RegistrySession s, String peerId, boolean relay) {
        boolean cameOnline = store.register(s.key, new RegistryStore.Registration(s.id, s.name, peerId, s.legacy));
        s.peerId = peerId;
        s.relay = relay;
        if (cameOnline) {
            announce(s.key, s.name, true);
        }
    }

    void unregister(RegistrySession s, String peerId) {
        String id = peerId(peerId);
        if (!id.equals(s.peerId)) {
            throw new RegistryException(ErrorCodes.NOT_REGISTERED, "this connection has not registered that peer ID");
        }
        drop(s);
    }

    void unregisterRelay(RegistrySession s) {
        if (!s.relay) {
            throw new RegistryException(ErrorCodes.NOT_REGISTERED, "this connection is not registered relay-only");
        }
        drop(s);
    }

    /** Drops the connection's registration, if any; the user goes offline with its last one. */
    void drop(RegistrySession s) {
        if (s.peerId == null && !s.relay) {
            return;
        }
        s.peerId = null;
        s.relay = false;
        if (store.unregister(s.key, s.id)) {
            announce(s.key, s.name, false);
        }
    }

    /**
     * All peer IDs of a user, newest registration first; relay-only registrations make the user
     * online but add none. Any string may be asked; invalid names are simply offline.
     */
    RegistryService.Lookup lookup(String name) {
        if (name == null || name.length() > 4 * Names.MAX_LENGTH) {
            return new RegistryService.Lookup(name, false, List.of());
        }
        List<RegistryStore.Registration> regs = store.registrations(Names.key(name));
        if (regs.isEmpty()) {
            return new RegistryService.Lookup(name, false, List.of());
        }
        List<String> ids = new ArrayList<>(regs.size());
        for (RegistryStore.Registration r : regs) {
            if (r.peerId() != null) {
                ids.add(r.peerId());
            }
        }
        return new RegistryService.Lookup(regs.get(0).name(), true, ids);
    }

    boolean isOnline(String key) {
        return !store.registrations(key).isEmpty();
    }

    /** Tells the name's followers, this node's directly and other nodes' through the link. */
    void announce(String key, String name, boolean online) {
        JsonObject event = Events.presence(name, online);
        for (RegistryStore.ConnectionId follower : store.subscribers(key)) {
            if (admission.isLocal(follower)) {
                RegistrySession f = admission.local(follower);
                if (f != null) {
                    f.connection.send(event);
                }
            } else {
                link.deliver(follower, event);
            }
        }
    }

    private static String peerId(String peerId) {
        if (peerId == null || !PEER_ID.matcher(peerId).matches()) {
            throw new RegistryException(ErrorCodes.BAD_PEER_ID, "a peer ID is 64 lower-case hex characters");
        }
        return peerId;
    }
}
