package org.nimbus.transport;

import java.net.InetAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Datagrams per source IP address, counted on the UDP I/O thread as they arrive (never on the
 * RTMFP loop): what the status page's "busiest sources" table shows. Bounded: beyond
 * {@link #MAX_ADDRESSES} new addresses go uncounted until {@link #prune} (called from the status
 * sampler's own timer) keeps only the busiest half, so a spoofing flood cannot grow it.
 */
public final class SourceTally {
    public static final int MAX_ADDRESSES = 4096;

    public record Source(String address, long datagrams) {
    }

    private final Map<InetAddress, LongAdder> counts = new ConcurrentHashMap<>();

    void count(InetAddress a) {
        LongAdder n = counts.get(a);
        if (n == null) {
            if (counts.size() >= MAX_ADDRESSES) {
                return;
            }
            n = counts.computeIfAbsent(a, k -> new LongAdder());
        }
        n.increment();
    }

    /** The busiest sources since start (or since they were last kept by prune), most datagrams first. */
    public List<Source> top(int n) {
        return counts.entrySet().stream()
                .map(e -> new Source(e.getKey().getHostAddress(), e.getValue().sum()))
                .sorted(Comparator.comparingLong(Source::datagrams).reversed().thenComparing(Source::address))
                .limit(n).toList();
    }

    /** Keeps the busiest half when the table is full. */
    public void prune() {
        if (counts.size() < MAX_ADDRESSES) {
            return;
        }
        long[] sums = counts.values().stream().mapToLong(LongAdder::sum).sorted().toArray();
        long cut = sums[sums.length / 2];
        counts.values().removeIf(v -> v.sum() < cut);
    }
}
