package org.nimbus.registry;

import com.google.gson.JsonObject;
import java.util.List;

/**
 * Relayed text ({@code send}): to every registered connection of the user, relay-only ones
 * included, at most {@code registry.send_rate} sends a second per connection (its
 * {@link org.nimbus.ratelimit.TokenBucket}) and {@code registry.max_text_chars} characters each.
 * Called under the service's lock.
 */
final class Relay {
    private final RegistryStore store;
    private final RegistryLimits limits;
    private final Admission admission;
    private final NodeLink link;

    Relay(RegistryStore store, RegistryLimits limits, Admission admission, NodeLink link) {
        this.store = store;
        this.limits = limits;
        this.admission = admission;
        this.link = link;
    }

    /** Returns how many connections got the message. */
    int send(RegistrySession s, String to, String text, String mid, long now) {
        if (text.codePointCount(0, text.length()) > limits.maxTextChars()) {
            throw new RegistryException(ErrorCodes.TOO_LONG, "text longer than " + limits.maxTextChars() + " characters");
        }
        if (!s.sends.tryTake(now)) {
            throw new RegistryException(ErrorCodes.RATE_LIMITED, "at most " + limits.sendRate() + " sends per second");
        }
        List<RegistryStore.ConnectionId> targets = to.length() > 4 * Names.MAX_LENGTH ? List.of()
                : store.registrations(Names.key(to)).stream().filter(t -> !t.legacy())
                        .map(RegistryStore.Registration::connection).toList();
        if (targets.isEmpty()) {
            throw new RegistryException(ErrorCodes.UNKNOWN_USER, "'" + to + "' is offline");
        }
        JsonObject message = Events.message(s.name, text, now);
        if (mid != null) {
            message.addProperty("mid", mid);
        }
        for (RegistryStore.ConnectionId t : targets) {
            if (admission.isLocal(t)) {
                RegistrySession local = admission.local(t);
                if (local != null) {
                    local.connection.send(message);
                }
            } else {
                link.deliver(t, message); // its node hands it to the connection
            }
        }
        return targets.size();
    }
}
