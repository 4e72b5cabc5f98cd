package org.nimbus.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who follows whom: a connection follows names (at most {@code registry.max_subscriptions}) and
 * hears their presence events until it unfollows them or closes. Called under the service's lock.
 */
final class Subscriptions {
    private final RegistryStore store;
    private final Presence presence;
    private final int max;

    Subscriptions(RegistryStore store, Presence presence, int max) {
        this.store = store;
        this.presence = presence;
        this.max = max;
    }

    /** Follows names; returns the subset online now, as asked. Beyond the limit nothing is added. */
    List<String> subscribe(RegistrySession s, List<String> names) {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (String n : names) {
            if (n.length() <= 4 * Names.MAX_LENGTH) {
                wanted.putIfAbsent(Names.key(n), n);
            }
        }
        int added = 0;
        for (String key : wanted.keySet()) {
            if (!s.subscriptions.contains(key)) {
                added++;
            }
        }
        if (s.subscriptions.size() + added > max) {
            throw new RegistryException(ErrorCodes.TOO_MANY_SUBSCRIPTIONS,
                    "at most " + max + " names followed per connection");
        }
        List<String> online = new ArrayList<>();
        wanted.forEach((key, asked) -> {
            if (s.subscriptions.add(key)) {
                store.subscribe(key, s.id);
            }
            if (presence.isOnline(key)) {
                online.add(asked);
            }
        });
        return online;
    }

    void unsubscribe(RegistrySession s, List<String> names) {
        for (String n : names) {
            String key = Names.key(n);
            if (s.subscriptions.remove(key)) {
                store.unsubscribe(key, s.id);
            }
        }
    }

    /** The connection closed: it follows nobody. */
    void dropAll(RegistrySession s) {
        for (String key : s.subscriptions) {
            store.unsubscribe(key, s.id);
        }
        s.subscriptions.clear();
    }
}
