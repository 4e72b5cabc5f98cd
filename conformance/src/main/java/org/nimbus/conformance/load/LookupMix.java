package org.nimbus.conformance.load;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.nimbus.conformance.registry.RegistryConnection;
import org.nimbus.conformance.registry.TcpRegistryConnection;
import org.nimbus.conformance.registry.WsRegistryConnection;

/**
 * {@code mix=lookup}: {@code sessions} registry connections (TCP when {@code --registry-tcp} is
 * given, else WebSocket: {@code --registry-ws}, on Nimbus {@code ws://host:5080/nimbus/registry}),
 * each a guest with a registered peer ID, then {@code rate} lookups per
 * second of random ones among them until {@code duration} has passed.
 */
final class LookupMix implements LoadMix {
    static final int WORKERS = 8;

    @Override
    public long run(LoadContext c) throws Exception {
        if (c.registryTcp() == null && c.registryWs() == null) {
            throw new IllegalArgumentException("mix=lookup needs --registry-tcp HOST:PORT or --registry-ws URL (Nimbus: ws://HOST:5080/nimbus/registry)");
        }
        List<RegistryConnection> conns = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Latency join = new Latency("hello+register");
        try {
            for (int i = 0; i < c.spec().sessions(); i++) {
                long t = System.nanoTime();
                RegistryConnection r = c.registryTcp() != null ? new TcpRegistryConnection(c.registryTcp(), c.timeout())
                        : new WsRegistryConnection(c.registryWs(), c.timeout());
                conns.add(r);
                JsonObject hello = RegistryConnection.request("hello");
                hello.addProperty("v", 1);
                hello.addProperty("guest", true);
                JsonObject w = r.call(hello, c.timeout());
                if (!"welcome".equals(w.get("op").getAsString())) {
                    throw new IllegalStateException("connection " + i + ": " + w);
                }
                names.add(w.get("name").getAsString());
                r.call(RegistryConnection.request("register", "peerId", String.format("%064x", i + 1)), c.timeout());
                join.recordNanos(System.nanoTime() - t);
            }
            c.out().printf(Locale.ROOT, "registry connections: %d guests registered%n", conns.size());
            c.out().println(join.line());
            return lookups(c, conns, names);
        } finally {
            conns.forEach(RegistryConnection::close);
        }
    }

    private static long lookups(LoadContext c, List<RegistryConnection> conns, List<String> names) throws InterruptedException {
        Latency latency = new Latency("lookup (due→found)");
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        int workers = Math.min(WORKERS, conns.size());
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            List<RegistryConnection> mine = new ArrayList<>();
            for (int k = w; k < conns.size(); k += workers) {
                mine.add(conns.get(k)); // a connection is used by one worker only
            }
            Pacer pacer = new Pacer(t0, c.spec().rate() / workers, c.spec().duration().toNanos());
            Thread t = new Thread(() -> {
                for (long i = 0, due; (due = pacer.due(i)) >= 0; i++) {
                    Pacer.until(due);
                    RegistryConnection conn = mine.get((int) (i % mine.size()));
                    String name = names.get(ThreadLocalRandom.current().nextInt(names.size()));
                    try {
                        JsonObject found = conn.call(RegistryConnection.request("lookup", "name", name), c.timeout());
                        if (!"found".equals(found.get("op").getAsString()) || !found.get("online").getAsBoolean()) {
                            throw new IllegalStateException(found.toString());
                        }
                        latency.recordNanos(System.nanoTime() - due);
                        ok.incrementAndGet();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        firstError.compareAndSet(null, e.toString());
                    }
                }
            }, "load-lookup-" + w);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        c.out().printf(Locale.ROOT, "lookups: %d found, %d failed in %.2f s: %.1f lookups/s%n", ok.get(), failed.get(),
                seconds, ok.get() / seconds);
        c.out().println(latency.line());
        if (firstError.get() != null) {
            c.out().println("first failure: " + firstError.get());
        }
        return failed.get();
    }
}
