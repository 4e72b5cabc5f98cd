package org.nimbus.conformance.load;

import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.Session;

/**
 * {@code mix=handshake}: full session startups (IHello → RHello → IIKeying → RIKeying, DH and
 * key derivation on both sides) started at {@code rate} per second until {@code sessions} have
 * been started or {@code duration} has passed; each session is closed right after.
 */
final class HandshakeMix implements LoadMix {
    static final int MAX_IN_FLIGHT = 64;
    /** Handshakes per point of the warm-up curve. */
    static final int BUCKET = 1000;

    @Override
    public long run(LoadContext c) throws Exception {
        Latency fromDue = new Latency("handshake (due→up)");
        Latency service = new Latency("handshake (sent→up)");
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong lastDone = new AtomicLong();
        java.util.concurrent.atomic.AtomicReference<String> firstError = new java.util.concurrent.atomic.AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(MAX_IN_FLIGHT, c.spec().sessions()));
        ServerProbe probe = c.probe();
        long[] cpuAt = {probe == null ? 0 : probe.cpuNanos(), -1};
        long[] okAt = {0, -1};
        // the server's CPU each time another thousand handshakes are up: the warm-up curve
        java.util.concurrent.ConcurrentSkipListMap<Long, Long> cpuAtThousands = new java.util.concurrent.ConcurrentSkipListMap<>();
        long t0 = System.nanoTime();
        Pacer pacer = new Pacer(t0, c.spec().rate(), c.spec().duration().toNanos());
        long started = 0;
        long half = c.spec().sessions() / 2;
        for (long due; started < c.spec().sessions() && (due = pacer.due(started)) >= 0; started++) {
            Pacer.until(due);
            if (probe != null && started == half) {
                // the second half is the steady state: the server's JIT has warmed up on the first
                cpuAt[1] = probe.cpuNanos();
                okAt[1] = ok.get();
            }
            final long dueAt = due;
            pool.execute(() -> {
                long sent = System.nanoTime();
                try (RtmfpClient client = new RtmfpClient()) {
                    Session s = client.connect(c.uri(), c.options());
                    long up = System.nanoTime();
                    fromDue.recordNanos(up - dueAt);
                    service.recordNanos(up - sent);
                    long n = ok.incrementAndGet();
                    lastDone.accumulateAndGet(up, Math::max);
                    if (probe != null && n % BUCKET == 0) {
                        try {
                            cpuAtThousands.put(n, probe.cpuNanos());
                        } catch (java.io.IOException e) {
                            // a point missing from the curve, not a failed handshake
                        }
                    }
                    s.close(c.timeout());
                } catch (Exception e) {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, e.toString());
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(c.timeout().toMillis() * 4 + c.spec().duration().toMillis(), TimeUnit.MILLISECONDS);
        double seconds = (Math.max(lastDone.get(), t0 + 1) - t0) / 1e9;
        c.out().printf(Locale.ROOT, "handshakes: %d started, %d established, %d failed in %.2f s: %.1f established/s%n",
                started, ok.get(), failed.get(), seconds, ok.get() / seconds);
        c.out().println(fromDue.line());
        c.out().println(service.line());
        if (probe != null && ok.get() > 0) {
            long cpuEnd = probe.cpuNanos();
            String steady = cpuAt[1] < 0 || ok.get() <= okAt[1] ? ""
                    : String.format(Locale.ROOT, ", %.0f µs over the second half (%d handshakes: steady state)",
                            (cpuEnd - cpuAt[1]) / 1e3 / (ok.get() - okAt[1]), ok.get() - okAt[1]);
            c.out().printf(Locale.ROOT, "server CPU per handshake: %.0f µs over the run%s%n",
                    (cpuEnd - cpuAt[0]) / 1e3 / ok.get(), steady);
            if (!cpuAtThousands.isEmpty()) {
                StringBuilder curve = new StringBuilder("server CPU per handshake by " + BUCKET + " (µs):");
                long prevN = 0;
                long prevCpu = cpuAt[0];
                for (var e : cpuAtThousands.entrySet()) {
                    curve.append(' ').append(Math.round((e.getValue() - prevCpu) / 1e3 / (e.getKey() - prevN)));
                    prevN = e.getKey();
                    prevCpu = e.getValue();
                }
                c.out().println(curve);
            }
        }
        if (firstError.get() != null) {
            c.out().println("first failure: " + firstError.get());
        }
        return failed.get() + (started - ok.get() - failed.get());
    }
}
