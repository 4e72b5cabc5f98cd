package org.nimbus.registry;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * WebRTC signalling ({@code signal}): an opaque offer, answer or ICE candidate forwarded from one
 * page to the connections of another, only inside a conversation, i.e. when either side has
 * reached the other's connection (a lookup, a send or a signal) while it was registered. Contacts
 * are connections, not names, so a connection that takes a name later gets nothing meant for the
 * one before. At most {@code webrtc.signal_rate} a second per connection and
 * {@code webrtc.max_signal_chars} of JSON each. The registry never reads the SDP: what a page's
 * browser may contact is what WebRTC's ICE checks allow (RFC 8445 section 7.2.2), nothing more.
 * Called under the service's lock.
 */
final class Signalling {
    /** How many connections one connection remembers having reached (oldest forgotten first). */
    static final int MAX_CONTACTS = 256;

    private final RegistryStore store;
    private final Admission admission;

    Signalling(RegistryStore store, Admission admission) {
        this.store = store;
        this.admission = admission;
    }

    /** The name's registered connections on this node (signalling stays within a node for now). */
    private List<RegistrySession> localRegistrations(String key) {
        List<RegistrySession> out = new ArrayList<>();
        for (RegistryStore.Registration r : store.registrations(key)) {
            RegistrySession t = r.legacy() ? null : admission.local(r.connection());
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    /** The caller reached the connections now registered under {@code name}. */
    void reached(RegistrySession s, String name) {
        if (name.length() > 4 * Names.MAX_LENGTH) {
            return;
        }
        for (RegistrySession t : localRegistrations(Names.key(name))) {
            if (t != s) {
                s.contacts.put(t, Boolean.TRUE);
            }
        }
    }

    /** Returns how many connections got the signal. */
    int signal(RegistrySession s, String to, JsonElement data, int maxChars, long now) {
        if (data == null || data.isJsonNull()) {
            throw new RegistryException(ErrorCodes.BAD_REQUEST, "'data' is required");
        }
        String json = data.toString();
        if (json.length() > maxChars) {
            throw new RegistryException(ErrorCodes.TOO_LONG, "signal data longer than " + maxChars + " characters");
        }
        if (!s.signals.tryTake(now)) {
            throw new RegistryException(ErrorCodes.RATE_LIMITED, "at most " + s.signals.perSecond() + " signals per second");
        }
        List<RegistrySession> online = to.length() > 4 * Names.MAX_LENGTH ? List.of()
                : localRegistrations(Names.key(to)).stream().filter(t -> t != s).toList();
        if (online.isEmpty()) {
            throw new RegistryException(ErrorCodes.UNKNOWN_USER, "'" + to + "' is offline");
        }
        List<RegistrySession> targets = new ArrayList<>();
        for (RegistrySession t : online) {
            if (s.contacts.containsKey(t) || t.contacts.containsKey(s)) {
                targets.add(t);
            }
        }
        if (targets.isEmpty()) {
            throw new RegistryException(ErrorCodes.NOT_IN_CONVERSATION,
                    "no conversation with '" + to + "': look it up or send to it first");
        }
        JsonObject event = new JsonObject();
        event.addProperty("op", "signal");
        event.addProperty("from", s.name);
        event.addProperty("key", Names.key(s.name));
        event.add("data", data);
        for (RegistrySession t : targets) {
            s.contacts.put(t, Boolean.TRUE);
            t.connection.send(event);
        }
        return targets.size();
    }
}
