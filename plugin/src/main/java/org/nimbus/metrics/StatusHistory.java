package org.nimbus.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The status page's plots: the figures sampled every {@link #SAMPLE_SECONDS} s on this class's
 * own timer thread ("nimbus-status-sampler"), the last hour kept. Reads only what the meters
 * read (counter totals, the published session count, the registry's stats, the heap).
 */
public final class StatusHistory implements AutoCloseable {
    public static final int SAMPLE_SECONDS = 5;
    public static final int SAMPLES = 3600 / SAMPLE_SECONDS;

    /** The totals and levels one sample reads. */
    public record Reading(int sessions, long handshakes, long introductions, long drops, int online, long heapUsed) {
    }

    /** One point of the plots: levels now, rates per second since the sample before. */
    public record Sample(long timeMillis, int sessions, double handshakesPerSecond, double introductionsPerSecond,
                        double dropsPerSecond, int online, long heapUsed) {
    }

    private final Supplier<Reading> reader;
    private final Runnable alsoEachTick;
    private final Sample[] ring = new Sample[SAMPLES];
    private int next;
    private int size;
    private Reading last;
    private long lastMillis;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nimbus-status-sampler");
        t.setDaemon(true);
        return t;
    });

    /** alsoEachTick: housekeeping that belongs on this timer (pruning the source tally). */
    public StatusHistory(Supplier<Reading> reader, Runnable alsoEachTick) {
        this.reader = reader;
        this.alsoEachTick = alsoEachTick;
    }

    public StatusHistory start() {
        timer.scheduleAtFixedRate(this::tick, 0, SAMPLE_SECONDS, TimeUnit.SECONDS);
        return this;
    }

    /** Takes one sample now (the timer calls it; tests may too). */
    public void tick() {
        try {
            sample(System.currentTimeMillis());
            alsoEachTick.run();
        } catch (RuntimeException e) {
            // a figure that failed to read must not stop the timer
        }
    }

    synchronized void sample(long nowMillis) {
        Reading r = reader.get();
        if (last != null) {
            double dt = Math.max(1, nowMillis - lastMillis) / 1000.0;
            ring[next] = new Sample(nowMillis, r.sessions(), (r.handshakes() - last.handshakes()) / dt,
                    (r.introductions() - last.introductions()) / dt, (r.drops() - last.drops()) / dt, r.online(), r.heapUsed());
            next = (next + 1) % SAMPLES;
            size = Math.min(SAMPLES, size + 1);
        }
        last = r;
        lastMillis = nowMillis;
    }

    /** The samples of the last hour, oldest first. */
    public synchronized List<Sample> samples() {
        List<Sample> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(ring[(next - size + i + SAMPLES) % SAMPLES]);
        }
        return out;
    }

    /** Heap in use now, in bytes. */
    public static long heapUsed() {
        MemoryMXBean m = ManagementFactory.getMemoryMXBean();
        return m.getHeapMemoryUsage().getUsed();
    }

    /** The sum of the counters whose names start with prefix. */
    public static long sum(Map<String, Long> counters, String prefix, String except) {
        long n = 0;
        for (Map.Entry<String, Long> e : counters.entrySet()) {
            if (e.getKey().startsWith(prefix) && !e.getKey().equals(except)) {
                n += e.getValue();
            }
        }
        return n;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
