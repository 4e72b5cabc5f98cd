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
    static final int OFFLINE_ACCOUNT = -1;
    private final RegistryStore store;
    private final RegistryLimits limits;

    Relay(RegistryStore store, RegistryLimits limits) {
        this.store = store;
        this.limits = limits;
    }

    /**
     * Returns how many connections got the message, or {@link #OFFLINE_ACCOUNT} when an account sent
     * to an account with no reachable connection (the caller may store it).
     */
    int send(RegistrySession s, String to, String text, String mid, long now) {
        if (text.codePointCount(0, text.length()) > limits.maxTextChars()) {
            throw new RegistryException(ErrorCodes.TOO_LONG, "text longer than " + limits.maxTextChars() + " characters");
        }
        if (!s.sends.tryTake(now)) {
            throw new RegistryException(ErrorCodes.RATE_LIMITED, "at most " + limits.sendRate() + " sends per second");
        }
        List<RegistrySession> targets = to.length() > 4 * Names.MAX_LENGTH ? List.of()
                : store.registrations(Names.key(to)).stream().filter(t -> !t.legacy).toList();
        if (targets.isEmpty()) {
            if (!s.guest && Names.accountNameProblem(to) == null) {
                return OFFLINE_ACCOUNT;
            }
            throw new RegistryException(ErrorCodes.UNKNOWN_USER, "'" + to + "' is offline");
        }
        JsonObject message = Events.message(s.name, text, now);
        if (mid != null) {
            message.addProperty("mid", mid);
        }
        for (RegistrySession t : targets) {
            t.connection.send(message);
        }
        return targets.size();
    }
}
