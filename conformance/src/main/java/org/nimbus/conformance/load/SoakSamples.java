package org.nimbus.conformance.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The server's state sampled through a soak (heap after a full GC, threads, open file
 * descriptors, RTMFP sessions, and the visits done when the sample was taken), and the judgement
 * whether it stayed flat. Pure: samples in, verdict out.
 *
 * <p>A leak shows as growth that follows the work done, so the judgement leaves the first third
 * of the run to warm-up (JIT, class loading, caches filling to their bounds) and compares the
 * last third with the middle third, and fits heap against visits over the last two thirds: a
 * server that keeps some bytes per visit fails however small its heap still is.
 */
final class SoakSamples {
    /** Heap growth per visit above which the fit counts as a leak (when it also adds up to {@link #HEAP_NOISE}). */
    static final double MAX_BYTES_PER_VISIT = 2048;
    /** Growth below this much over the judged span is noise of the heap-after-GC reading, whatever the fit says. */
    static final long HEAP_NOISE = 1 << 20;
    /** Median heap of the last third may exceed the middle third's by this much. */
    static final long HEAP_SLACK = 2 << 20;
    static final int THREAD_SLACK = 2;
    static final long FD_SLACK = 8;
    static final int MIN_SAMPLES = 6;

    /** One sample; {@code fds} is -1 where the server's JVM does not report them. */
    record Sample(double seconds, long visits, long heapBytes, int threads, long fds, int sessions) {
    }

    record Verdict(boolean flat, String detail) {
    }

    private final List<Sample> samples = new ArrayList<>();

    synchronized void add(Sample s) {
        samples.add(s);
    }

    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    /**
     * Judges the samples taken under load; {@code baselineSessions} are the server's sessions
     * before the load, {@code drained} the sample taken after it (null if none could be taken):
     * every session the load opened must be gone by then.
     */
    synchronized Verdict verdict(int baselineSessions, Sample drained) {
        int n = samples.size();
        if (n < MIN_SAMPLES) {
            return new Verdict(false, "only " + n + " samples: a soak needs at least " + MIN_SAMPLES
                    + " (a longer duration or a shorter sample)");
        }
        List<Sample> middle = samples.subList(n / 3, 2 * n / 3);
        List<Sample> last = samples.subList(2 * n / 3, n);
        List<Sample> judged = samples.subList(n / 3, n);
        List<String> problems = new ArrayList<>();
        List<String> figures = new ArrayList<>();

        long heapMiddle = median(middle.stream().mapToLong(Sample::heapBytes).toArray());
        long heapLast = median(last.stream().mapToLong(Sample::heapBytes).toArray());
        figures.add(String.format(Locale.ROOT, "heap after GC (median) %.1f MB middle third, %.1f MB last third",
                mb(heapMiddle), mb(heapLast)));
        if (heapLast - heapMiddle > HEAP_SLACK) {
            problems.add(String.format(Locale.ROOT, "heap grew %.1f MB from the middle to the last third",
                    mb(heapLast - heapMiddle)));
        }
        double slope = bytesPerVisit(judged);
        long span = judged.get(judged.size() - 1).visits() - judged.get(0).visits();
        figures.add(String.format(Locale.ROOT, "%+.0f bytes per visit over the last two thirds (%d visits)", slope, span));
        if (slope > MAX_BYTES_PER_VISIT && slope * span > HEAP_NOISE) {
            problems.add(String.format(Locale.ROOT, "heap follows the visits: %+.0f bytes per visit (%.1f MB over %d visits)",
                    slope, mb((long) (slope * span)), span));
        }
        int threadsMiddle = middle.stream().mapToInt(Sample::threads).max().orElse(0);
        int threadsLast = last.stream().mapToInt(Sample::threads).max().orElse(0);
        figures.add("threads (max) " + threadsMiddle + " middle, " + threadsLast + " last");
        if (threadsLast > threadsMiddle + THREAD_SLACK) {
            problems.add("threads grew from " + threadsMiddle + " to " + threadsLast);
        }
        long fdsMiddle = middle.stream().mapToLong(Sample::fds).max().orElse(-1);
        long fdsLast = last.stream().mapToLong(Sample::fds).max().orElse(-1);
        if (fdsMiddle >= 0 && fdsLast >= 0) {
            figures.add("file descriptors (max) " + fdsMiddle + " middle, " + fdsLast + " last");
            if (fdsLast > fdsMiddle + FD_SLACK) {
                problems.add("file descriptors grew from " + fdsMiddle + " to " + fdsLast);
            }
        }
        if (drained == null) {
            problems.add("no sample after the load");
        } else {
            figures.add(String.format(Locale.ROOT, "after the load: %d sessions (%d before), heap %.1f MB, %d threads, %d fds",
                    drained.sessions(), baselineSessions, mb(drained.heapBytes()), drained.threads(), drained.fds()));
            if (drained.sessions() > baselineSessions) {
                problems.add((drained.sessions() - baselineSessions) + " sessions still open after the drain");
            }
        }
        String detail = String.join("; ", figures);
        return problems.isEmpty() ? new Verdict(true, "flat: " + detail)
                : new Verdict(false, "NOT flat: " + String.join("; ", problems) + " (" + detail + ")");
    }

    /** Least-squares slope of heap against visits done; 0 when the visits did not move. */
    static double bytesPerVisit(List<Sample> s) {
        double mx = s.stream().mapToLong(Sample::visits).average().orElse(0);
        double my = s.stream().mapToLong(Sample::heapBytes).average().orElse(0);
        double sxx = 0, sxy = 0;
        for (Sample x : s) {
            sxx += (x.visits() - mx) * (x.visits() - mx);
            sxy += (x.visits() - mx) * (x.heapBytes() - my);
        }
        return sxx == 0 ? 0 : sxy / sxx;
    }

    static long median(long[] v) {
        long[] c = v.clone();
        Arrays.sort(c);
        return c.length == 0 ? 0 : c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }

    /** One line per sample, with a header. */
    synchronized String csv() {
        return csv(samples);
    }

    static String csv(List<Sample> samples) {
        StringBuilder b = new StringBuilder("seconds,visits,heap_after_gc_bytes,threads,open_fds,sessions\n");
        for (Sample s : samples) {
            b.append(String.format(Locale.ROOT, "%.1f,%d,%d,%d,%d,%d%n", s.seconds(), s.visits(), s.heapBytes(),
                    s.threads(), s.fds(), s.sessions()));
        }
        return b.toString();
    }

    static double mb(long bytes) {
        return bytes / 1048576.0;
    }
}
