package org.nimbus.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Inputs for a decoder: valid messages (seeds) with one to four stacked mutations — bit flips,
 * bytes set to random or boundary values, truncation, extension, insertion, deletion, a range
 * duplicated (a chunk or field repeated), splicing of two seeds, and VLU or length fields set to
 * their extremes — and, one input in eight, random bytes that reach the checks a mutated valid
 * message passes early. Every choice comes from the given {@link Random}, so a seed replays a run.
 */
public final class Mutations {
    /** Longest random-bytes input; mutated seeds may grow past it by their extensions. */
    public static final int MAX_RANDOM = 1500;
    private static final byte[] BOUNDARY = {0, 1, 0x7f, (byte) 0x80, (byte) 0xff, (byte) 0xfe, 0x40, 0x3f};
    /** Length and count fields at their extremes: 16- and 32-bit big-endian, and VLUs (RFC 7016 §2.1.2). */
    private static final byte[][] EXTREMES = {
        {(byte) 0xff, (byte) 0xff}, {(byte) 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff},
        {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}, {(byte) 0x80, 0, 0, 0}, {0, 0},
        {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f},
        {(byte) 0x8f, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f}, {(byte) 0x80, (byte) 0x80, (byte) 0x80},
        {(byte) 0x83, (byte) 0xff, (byte) 0x7f}, {0x3f, (byte) 0xff, (byte) 0xff, (byte) 0xff},
    };

    private Mutations() {
    }

    /** One input: a mutated seed (7 in 8) or random bytes of 0 to {@link #MAX_RANDOM} (1 in 8). */
    public static byte[] next(List<byte[]> seeds, Random r) {
        if (r.nextInt(8) == 0) {
            byte[] b = new byte[r.nextInt(MAX_RANDOM + 1)];
            r.nextBytes(b);
            return b;
        }
        return mutate(seeds, r);
    }

    /** Seeds from the vectors under {@code keys} plus {@code extra} (messages built in the test). */
    public static List<byte[]> vectorsAnd(List<byte[]> extra, String... keys) {
        List<byte[]> all = new ArrayList<>(Seeds.fromVectors(keys));
        all.addAll(extra);
        return List.copyOf(all);
    }

    static byte[] mutate(List<byte[]> seeds, Random r) {
        byte[] b = seeds.get(r.nextInt(seeds.size())).clone();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            b = once(b, seeds, r);
        }
        return b;
    }

    private static byte[] once(byte[] b, List<byte[]> seeds, Random r) {
        int len = b.length;
        switch (r.nextInt(10)) {
            case 0 -> {
                if (len > 0) {
                    b[r.nextInt(len)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> {
                if (len > 0) {
                    b[r.nextInt(len)] = r.nextBoolean() ? BOUNDARY[r.nextInt(BOUNDARY.length)] : (byte) r.nextInt();
                }
            }
            case 2 -> b = Arrays.copyOf(b, len == 0 ? 0 : r.nextInt(len));
            case 3 -> {
                byte[] tail = new byte[1 + r.nextInt(64)];
                r.nextBytes(tail);
                b = concat(b, tail);
            }
            case 4 -> {
                byte[] ins = new byte[1 + r.nextInt(16)];
                r.nextBytes(ins);
                int at = r.nextInt(len + 1);
                b = concat(concat(Arrays.copyOf(b, at), ins), Arrays.copyOfRange(b, at, len));
            }
            case 5 -> {
                if (len > 0) {
                    int from = r.nextInt(len);
                    int to = from + 1 + r.nextInt(Math.min(32, len - from));
                    b = concat(Arrays.copyOf(b, from), Arrays.copyOfRange(b, to, len));
                }
            }
            case 6 -> {
                if (len > 0) {
                    int from = r.nextInt(len);
                    int to = from + 1 + r.nextInt(len - from);
                    b = concat(Arrays.copyOf(b, to), Arrays.copyOfRange(b, from, len));
                }
            }
            case 7 -> {
                byte[] other = seeds.get(r.nextInt(seeds.size()));
                int cut = r.nextInt(len + 1);
                int from = other.length == 0 ? 0 : r.nextInt(other.length);
                b = concat(Arrays.copyOf(b, cut), Arrays.copyOfRange(other, from, other.length));
            }
            default -> {
                byte[] x = EXTREMES[r.nextInt(EXTREMES.length)];
                if (len > 0) {
                    int at = r.nextInt(len);
                    b = Arrays.copyOf(b, Math.max(len, at + x.length));
                    System.arraycopy(x, 0, b, at, x.length);
                }
            }
        }
        return b;
    }

    private static byte[] concat(byte[] a, byte[] c) {
        byte[] out = Arrays.copyOf(a, a.length + c.length);
        System.arraycopy(c, 0, out, a.length, c.length);
        return out;
    }
}
