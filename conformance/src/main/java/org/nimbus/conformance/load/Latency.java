package org.nimbus.conformance.load;

import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** A latency distribution recorded from many threads (HdrHistogram, microseconds, 3 digits). */
public final class Latency {
    private final String name;
    private final Recorder recorder = new Recorder(3);
    private final Histogram total = new Histogram(3);

    public Latency(String name) {
        this.name = name;
    }

    public void recordNanos(long nanos) {
        recorder.recordValue(Math.max(0, nanos / 1000));
    }

    /** Everything recorded so far. */
    public synchronized Histogram histogram() {
        total.add(recorder.getIntervalHistogram());
        return total.copy();
    }

    /** One line: count and p50/p90/p99/p99.9/max in milliseconds. */
    public String line() {
        Histogram h = histogram();
        if (h.getTotalCount() == 0) {
            return String.format(Locale.ROOT, "%-20s none recorded", name);
        }
        return String.format(Locale.ROOT, "%-20s n=%d  p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f ms", name,
                h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
                ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()));
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
