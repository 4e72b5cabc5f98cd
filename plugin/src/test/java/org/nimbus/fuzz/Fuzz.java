package org.nimbus.fuzz;

import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;

/**
 * The fuzz driver (plain JUnit, no property-testing library): {@link #tries()} inputs per
 * decoder from a {@link Random} seeded by {@link #seed()}, each a {@link Mutations} of the
 * decoder's valid messages or random bytes, each decoded under {@link Guard} (documented
 * refusals only, no hang, allocation bounded by the input size). The first failure stops the
 * run and is reported with the seed, the input's index and the input in hex; running again with
 * {@code -Dnimbus.fuzz.seed=S} replays the same inputs.
 *
 * <p>{@code -Dnimbus.fuzz.tries=N} (default {@value #DEFAULT_TRIES}: a few seconds per decoder
 * in CI) and {@code -Dnimbus.fuzz.seed=S} (default: a new seed per run, printed).
 */
public final class Fuzz {
    public static final int DEFAULT_TRIES = 20_000;
    private static final long SEED = Long.getLong("nimbus.fuzz.seed", new Random().nextLong());

    private Fuzz() {
    }

    /** What a decoder does with one input; {@code r} is the run's Random for any further choice (a cut point). */
    @FunctionalInterface
    public interface Target<T> {
        void decode(T input, Random r) throws Exception;
    }

    public static long tries() {
        return Long.getLong("nimbus.fuzz.tries", DEFAULT_TRIES);
    }

    public static long seed() {
        return SEED;
    }

    /** Mutations of {@code seeds} (and random bytes) through {@code target}. */
    public static void bytes(String name, List<byte[]> seeds, Target<byte[]> target) {
        List<byte[]> pool = List.copyOf(seeds);
        run(name, r -> Mutations.next(pool, r), b -> HexFormat.of().formatHex(b), target);
    }

    /** Any generated input through {@code target}; {@code show} prints a failing one. */
    public static <T> void run(String name, Function<Random, T> inputs, Function<T, String> show, Target<T> target) {
        long tries = tries();
        // one Random per decoder, from the run's seed and the decoder's name: a decoder's inputs
        // do not depend on which other decoders ran before it
        long seed = SEED ^ name.hashCode() * 0x9E3779B97F4A7C15L;
        Random r = new Random(seed);
        long t0 = System.nanoTime();
        for (long i = 0; i < tries; i++) {
            T input = inputs.apply(r);
            try {
                target.decode(input, r);
            } catch (Throwable t) {
                throw new AssertionError(String.format(Locale.ROOT,
                        "%s failed on input #%d (replay: -Dnimbus.fuzz.seed=%d -Dnimbus.fuzz.tries=%d): %s%ninput: %s",
                        name, i, SEED, i + 1, t, show.apply(input)), t);
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "fuzz %s: %d inputs in %.1f s (%.0f/s), seed %d, held%n", name, tries, s,
                tries / Math.max(s, 1e-9), SEED);
    }
}
