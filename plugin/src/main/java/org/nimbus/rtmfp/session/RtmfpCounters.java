package org.nimbus.rtmfp.session;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of everything the endpoint does and drops, by name. RFC 7016 answers bad input with
 * silence; these are how an operator still sees it (JMX, the periodic log line).
 */
public final class RtmfpCounters {
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private volatile Latencies latencies = Latencies.NONE;

    /**
     * Where the endpoint reports how long a step took on the loop (a handshake's keying, an
     * introduction): the edge supplies the clock and records; the core only brackets the step.
     */
    public interface Latencies {
        Latencies NONE = new Latencies() {
            @Override
            public long start() {
                return 0;
            }

            @Override
            public void stop(String step, long start) {
            }
        };

        /** A reading of the edge's clock, in its own units. */
        long start();

        /** The step (e.g. "handshake", "introduction.redirect") that began at start has ended now. */
        void stop(String step, long start);
    }

    public void latencies(Latencies l) {
        latencies = l == null ? Latencies.NONE : l;
    }

    public Latencies latencies() {
        return latencies;
    }

    public void increment(String name) {
        counters.computeIfAbsent(name, k -> new LongAdder()).increment();
    }

    public long get(String name) {
        LongAdder a = counters.get(name);
        return a == null ? 0 : a.sum();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
