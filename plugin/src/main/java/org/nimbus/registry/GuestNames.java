package org.nimbus.registry;

import java.util.Random;
import java.util.function.Predicate;

/** Draws guest names: "guest-" and 8 random base-32 characters (RFC 4648 alphabet, lower case). */
public final class GuestNames {
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final int LENGTH = 8;
    private final Random random;

    /** random should be a SecureRandom in production: guest names must not be guessable in advance. */
    public GuestNames(Random random) {
        this.random = random;
    }

    /** A name not yet taken; with 2^40 names a retry is rare even at the configured name limit. */
    public String draw(Predicate<String> taken) {
        while (true) {
            StringBuilder sb = new StringBuilder(Names.GUEST_PREFIX.length() + LENGTH).append(Names.GUEST_PREFIX);
            for (int i = 0; i < LENGTH; i++) {
                sb.append(ALPHABET[random.nextInt(ALPHABET.length)]);
            }
            String name = sb.toString();
            if (!taken.test(name)) {
                return name;
            }
        }
    }
}
