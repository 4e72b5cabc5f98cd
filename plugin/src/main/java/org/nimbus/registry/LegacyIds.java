package org.nimbus.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Registrations made through the peer-ID web service of Adobe's Cirrus samples ({@code reg.cgi}:
 * a user name and a peer ID, no connection), in the same registry as everyone else: a name
 * registered there is online, followed and looked up like a page's, and the other way round. One
 * registration per name, replaced by the next, dropped with {@code identity=0} or when not
 * refreshed within {@link #TTL_MILLIS}. Such names are "legacy": the web service proves nothing
 * about who asks (the README says how a site protects them). Called under the service's lock.
 */
final class LegacyIds {
    /** reg.cgi keeps a registration an hour; the sample refreshes it every 30 minutes. */
    static final long TTL_MILLIS = 3_600_000L;

    /** The one registration of a name; its session has no connection. */
    private record Entry(RegistrySession session, long expiresAt) {
    }

    /** Nothing is sent to a web-service registration: relayed messages skip it. */
    private static final RegistryConnection NO_CONNECTION = new RegistryConnection() {
        @Override
        public void send(com.google.gson.JsonObject message) {
        }

        @Override
        public void close() {
        }

        @Override
        public String transport() {
            return "reg.cgi";
        }
    };

    private final Admission admission;
    private final Identities identities;
    private final Presence presence;
    private final Map<String, Entry> byKey = new HashMap<>();

    LegacyIds(Admission admission, Identities identities, Presence presence) {
        this.admission = admission;
        this.identities = identities;
        this.presence = presence;
    }

    /** Registers (or refreshes) username with peerId until now + TTL; the name rules are an account's. */
    void register(String address, String username, String peerId, long now) {
        String problem = Names.accountNameProblem(username);
        if (problem != null) {
            throw new RegistryException(ErrorCodes.BAD_NAME, problem);
        }
        String key = Names.key(username);
        Entry e = byKey.get(key);
        RegistrySession s;
        if (e == null) {
            s = new RegistrySession(admission.nextId(), NO_CONNECTION, address, false, now, 1);
            s.legacy = true;
            identities.holdAccount(s, username, key);
        } else {
            s = e.session();
        }
        presence.register(s, peerId);
        byKey.put(key, new Entry(s, now + TTL_MILLIS));
    }

    /** Drops the name's web-service registration; false when there was none. */
    boolean unregister(String username) {
        Entry e = username == null ? null : byKey.remove(Names.key(username));
        if (e == null) {
            return false;
        }
        presence.drop(e.session());
        identities.release(e.session());
        return true;
    }

    /** Drops registrations not refreshed in time; returns how many went. */
    int expire(long now) {
        List<String> gone = new ArrayList<>();
        byKey.forEach((key, e) -> {
            if (e.expiresAt() <= now) {
                gone.add(e.session().name);
            }
        });
        gone.forEach(this::unregister);
        return gone.size();
    }

    int size() {
        return byKey.size();
    }
}
