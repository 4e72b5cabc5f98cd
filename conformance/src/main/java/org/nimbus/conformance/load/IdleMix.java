package org.nimbus.conformance.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.Session;

/**
 * {@code mix=idle}: {@code sessions} sessions opened at {@code rate} per second and held open
 * until {@code duration} has passed since the start. Keepers ping every held session once per
 * {@link #PING_PERIOD_NANOS} (which also answers the server's own keepalive pings), so the figures
 * are the handshake latency and the Ping round trip with all those sessions held.
 */
final class IdleMix implements LoadMix {
    static final long PING_PERIOD_NANOS = 5_000_000_000L;
    static final int KEEPERS = 4;

    /** A held session and the client (socket) it lives on. */
    private record Held(RtmfpClient client, Session session) {
    }

    @Override
    public long run(LoadContext c) throws Exception {
        Latency handshake = new Latency("handshake (due→up)");
        Latency ping = new Latency("ping RTT (held)");
        AtomicLong opened = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong lost = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        List<Queue<Held>> owned = new ArrayList<>();
        List<Thread> keepers = new ArrayList<>();
        long t0 = System.nanoTime();
        Pacer pacer = new Pacer(t0, c.spec().rate(), c.spec().duration().toNanos());
        for (int k = 0; k < KEEPERS; k++) {
            Queue<Held> mine = new ConcurrentLinkedQueue<>();
            owned.add(mine);
            Thread keeper = new Thread(() -> keep(mine, c, pacer, ping, lost, firstError), "load-keeper-" + k);
            keeper.setDaemon(true);
            keepers.add(keeper);
            keeper.start();
        }
        ExecutorService openers = Executors.newFixedThreadPool(Math.min(HandshakeMix.MAX_IN_FLIGHT, c.spec().sessions()));
        long started = 0;
        for (long due; started < c.spec().sessions() && (due = pacer.due(started)) >= 0; started++) {
            Pacer.until(due);
            final long dueAt = due;
            final Queue<Held> to = owned.get((int) (started % KEEPERS));
            openers.execute(() -> {
                RtmfpClient client = null;
                try {
                    client = new RtmfpClient();
                    Session s = client.connect(c.uri(), c.options());
                    handshake.recordNanos(System.nanoTime() - dueAt);
                    if (c.spec().connect()) {
                        // connect=true: a NetConnection open on the session, as a page holds one
                        org.nimbus.conformance.tc.NetConnection nc = new org.nimbus.conformance.tc.NetConnection(s);
                        String app = org.nimbus.conformance.client.RtmfpUri.parse(c.uri()).path();
                        if (!nc.connect(app, c.uri(), org.nimbus.conformance.tc.ConnectStyle.FLASH, c.timeout()).success()) {
                            throw new java.io.IOException("connect to " + app + " refused");
                        }
                    }
                    opened.incrementAndGet();
                    to.add(new Held(client, s));
                } catch (Exception e) {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, "handshake: " + e);
                    if (client != null) {
                        client.close();
                    }
                }
            });
        }
        openers.shutdown();
        openers.awaitTermination(c.timeout().toMillis() * 4 + c.spec().duration().toMillis(), TimeUnit.MILLISECONDS);
        long openSeconds = System.nanoTime() - t0;
        c.out().printf(Locale.ROOT, "sessions: %d started, %d opened, %d failed in %.2f s; holding until %.1f s%n",
                started, opened.get(), failed.get(), openSeconds / 1e9, c.spec().duration().toMillis() / 1000.0);
        for (Thread k : keepers) {
            k.join();
        }
        long held = owned.stream().mapToLong(Queue::size).sum();
        c.out().printf(Locale.ROOT, "held to the end: %d, lost while held: %d%n", held, lost.get());
        c.out().println(handshake.line());
        c.out().println(ping.line());
        closeAll(owned, c);
        if (firstError.get() != null) {
            c.out().println("first failure: " + firstError.get());
        }
        return failed.get() + lost.get() + (started - opened.get() - failed.get());
    }

    /** Pings each owned session once a period until the end of the run; drops sessions that fail. */
    private static void keep(Queue<Held> mine, LoadContext c, Pacer pacer, Latency ping, AtomicLong lost,
                             AtomicReference<String> firstError) {
        long round = System.nanoTime();
        while (round - pacer.endNanos() < 0) {
            for (Held h : mine) {
                if (System.nanoTime() - pacer.endNanos() >= 0) {
                    return;
                }
                try {
                    ping.recordNanos(h.session().ping(c.timeout()).toNanos());
                } catch (Exception e) {
                    lost.incrementAndGet();
                    firstError.compareAndSet(null, "held session: " + e);
                    mine.remove(h);
                    h.client().close();
                }
            }
            round = Math.min(round + PING_PERIOD_NANOS, pacer.endNanos());
            Pacer.until(round);
        }
    }

    private static void closeAll(List<Queue<Held>> owned, LoadContext c) throws InterruptedException {
        ExecutorService closers = Executors.newFixedThreadPool(HandshakeMix.MAX_IN_FLIGHT);
        for (Queue<Held> q : owned) {
            for (Held h : q) {
                closers.execute(() -> {
                    try {
                        h.session().close(c.timeout());
                    } catch (Exception e) {
                        // the figures are taken; a lost close ack changes nothing
                    } finally {
                        h.client().close();
                    }
                });
            }
        }
        closers.shutdown();
        closers.awaitTermination(c.timeout().toMillis() * 4, TimeUnit.MILLISECONDS);
    }
}
