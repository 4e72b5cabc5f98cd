package org.nimbus.registry;

import java.time.InstantSource;

/**
 * What {@code hello} gives a connection: an account name from a verified token
 * ({@link AccountTokens}), or a fresh guest name ({@link GuestNames}), held in the store until
 * the connection closes. Several connections (of any node) may hold one account name; a name
 * counts once against {@code registry.max_names}, which the store checks as it takes the name.
 * Called under the service's lock.
 */
final class Identities {
    private final RegistryStore store;
    private final AccountTokens tokens;
    private final GuestNames guestNames;
    private final InstantSource clock;
    private final int maxNames;

    Identities(RegistryStore store, AccountTokens tokens, GuestNames guestNames, InstantSource clock, int maxNames) {
        this.store = store;
        this.tokens = tokens;
        this.guestNames = guestNames;
        this.clock = clock;
        this.maxNames = maxNames;
    }

    /** The account name the token names (invalid or expired tokens are refused by {@link AccountTokens#verify}). */
    String account(RegistrySession s, String token) {
        String name = tokens.verify(token, clock.instant().getEpochSecond());
        holdAccount(s, name, Names.key(name));
        return name;
    }

    /** Holds an account name (also reg.cgi's, which have no token). */
    void holdAccount(RegistrySession s, String name, String key) {
        if (store.hold(key, s.id, false, false, maxNames) == RegistryStore.Hold.FULL) {
            throw full();
        }
        bind(s, name, key, false);
    }

    String guest(RegistrySession s) {
        while (true) {
            // another node may take the same name between draw and hold: the exclusive hold decides
            String name = guestNames.draw(store::isHeld);
            switch (store.hold(name, s.id, true, true, maxNames)) {
                case FULL -> throw full();
                case TAKEN -> {
                    continue;
                }
                default -> {
                    bind(s, name, name, true);
                    return name;
                }
            }
        }
    }

    private static RegistryException full() {
        return new RegistryException(ErrorCodes.SERVER_FULL, "the registry holds its maximum of names");
    }

    private static void bind(RegistrySession s, String name, String key, boolean guest) {
        s.name = name;
        s.key = key;
        s.guest = guest;
    }

    /** The connection's name goes; the last holder frees it. */
    void release(RegistrySession s) {
        store.release(s.key, s.id);
    }
}
