package org.nimbus.conformance.load;

import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop schedule: event i is due at start + i / rate, whether or not earlier ones are done,
 * so latencies measured from the due time include any queueing (no coordinated omission).
 */
final class Pacer {
    private final long startNanos;
    private final double periodNanos;
    private final long endNanos;

    Pacer(long startNanos, double ratePerSecond, long durationNanos) {
        this.startNanos = startNanos;
        this.periodNanos = 1e9 / ratePerSecond;
        this.endNanos = startNanos + durationNanos;
    }

    /** When event i is due; -1 once that is past the end of the run. */
    long due(long i) {
        long t = startNanos + Math.round(i * periodNanos);
        return t - endNanos >= 0 ? -1 : t;
    }

    /** Parks the calling thread until the due time (pacing, not waiting for an event). */
    static void until(long nanos) {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    long endNanos() {
        return endNanos;
    }
}
