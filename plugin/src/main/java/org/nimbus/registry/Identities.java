package org.nimbus.registry;

import java.time.InstantSource;

/**
 * What {@code hello} gives a connection: an account name from a verified token
 * ({@link AccountTokens}), or a fresh guest name ({@link GuestNames}), held in the store until
 * the connection closes. Several connections may hold one account name; a name counts once
 * against {@code registry.max_names}. Called under the service's lock.
 */
final class Identities {
    private final RegistryStore store;
    private final AccountTokens tokens;
    private final GuestNames guestNames;
    private final InstantSource clock;
    private final Admission admission;

    Identities(RegistryStore store, AccountTokens tokens, GuestNames guestNames, InstantSource clock, Admission admission) {
        this.store = store;
        this.tokens = tokens;
        this.guestNames = guestNames;
        this.clock = clock;
        this.admission = admission;
    }

    /** The account name the token names (invalid or expired tokens are refused by {@link AccountTokens#verify}). */
    String account(RegistrySession s, String token) {
        String name = tokens.verify(token, clock.instant().getEpochSecond());
        String key = Names.key(name);
        if (!store.isHeld(key)) {
            admission.requireRoomForName();
            admission.nameTaken(false);
        }
        hold(s, name, key, false);
        return name;
    }

    String guest(RegistrySession s) {
        admission.requireRoomForName();
        String name = guestNames.draw(store::isHeld);
        admission.nameTaken(true);
        hold(s, name, name, true);
        return name;
    }

    private void hold(RegistrySession s, String name, String key, boolean guest) {
        s.name = name;
        s.key = key;
        s.guest = guest;
        store.hold(key, s);
    }

    /** The connection's name goes; the last holder frees it. */
    void release(RegistrySession s) {
        store.release(s.key, s);
        if (!store.isHeld(s.key)) {
            admission.nameReleased(s.guest);
        }
    }
}
