package org.nimbus.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.concurrent.atomic.LongAdder;
import org.nimbus.registry.RegistryService;
import org.nimbus.registry.TransportFigures;
import org.nimbus.rtmfp.session.RtmfpCounters;
import org.nimbus.rtmfp.session.RtmfpEndpoint;

/**
 * Nimbus's figures as Micrometer meters in a Prometheus registry (GET /nimbus/metrics). Every
 * meter reads a figure that already exists where it is kept (the endpoint's counters and its
 * published session count, the registry's stats, the key and stream counters): nothing scans
 * sessions, and the only work on the RTMFP loop is recording the two latency timers. Counters
 * the core creates by name later are bound when first seen ({@link #sync}, at each scrape).
 */
public final class NimbusMetrics implements AutoCloseable {
    /** Buckets of the latency histograms, 50 µs to 2 s. */
    private static final Duration[] BUCKETS = {Duration.ofNanos(50_000), Duration.ofNanos(100_000), Duration.ofNanos(250_000),
        Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofSeconds(2)};

    /** One Red5 application's connections and streams now. */
    public record App(String name, int rtmfp, int rtmp, int streams) {
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Set<String> boundCounters = ConcurrentHashMap.newKeySet();
    private final Set<String> boundTransports = ConcurrentHashMap.newKeySet();
    private final Set<String> boundKeys = ConcurrentHashMap.newKeySet();
    private final Set<String> boundApps = ConcurrentHashMap.newKeySet();
    private final Map<String, Timer> rtmfpTimers = new ConcurrentHashMap<>();
    private final Map<String, Timer> lookupTimers = new ConcurrentHashMap<>();
    private volatile RtmfpCounters counters;
    private volatile RegistryService registryService;
    private volatile Supplier<Map<String, Long>> keyCounters;
    private volatile Supplier<Iterable<App>> apps;
    private volatile Map<String, App> lastApps = Map.of();
    private final JvmMemoryMetrics jvmMemory = new JvmMemoryMetrics();

    public NimbusMetrics() {
        // JVM memory only: thread-state meters dump every thread at a safepoint, stalling the loop too
        jvmMemory.bindTo(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The RTMFP endpoint: sessions, receive buffers, every counter, handshake and introduction latency. */
    public void bindRtmfp(RtmfpEndpoint endpoint) {
        Gauge.builder("nimbus.rtmfp.sessions", endpoint, RtmfpEndpoint::sessionCount)
                .description("RTMFP sessions in the table now (open or closing)").register(registry);
        Gauge.builder("nimbus.rtmfp.receive.buffer", endpoint, RtmfpEndpoint::receiveBufferedBytes).baseUnit("bytes")
                .description("bytes the receive flows of all sessions hold now").register(registry);
        bindCounters(endpoint.counters());
    }

    /** The endpoint's counters (bound as they appear) and its latency callback. */
    void bindCounters(RtmfpCounters c) {
        counters = c;
        c.latencies(new RtmfpCounters.Latencies() {
            @Override
            public long start() {
                return System.nanoTime();
            }

            @Override
            public void stop(String step, long start) {
                rtmfpTimers.computeIfAbsent(step, NimbusMetrics.this::rtmfpTimer).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        });
        sync();
    }

    private Timer rtmfpTimer(String step) {
        if (step.startsWith("introduction.")) {
            return histogram(Timer.builder("nimbus.rtmfp.introduction").tag("outcome", step.substring("introduction.".length()))
                    .description("IHello naming a peer in → Redirect (or forwarded IHello) out, on the RTMFP loop"));
        }
        return histogram(Timer.builder("nimbus.rtmfp." + step)
                .description("IIKeying in → session open and RIKeying out, on the RTMFP loop"));
    }

    private Timer histogram(Timer.Builder b) {
        return b.serviceLevelObjectives(BUCKETS).register(registry);
    }

    /** The registry: names, connections, registrations, lookups, relays and errors, by transport where it knows. */
    public void bindRegistry(RegistryService service) {
        registryService = service;
        Gauge.builder("nimbus.registry.accounts", service, s -> s.stats().accounts()).description("account names held now").register(registry);
        Gauge.builder("nimbus.registry.guests", service, s -> s.stats().guests()).description("guest names held now").register(registry);
        Gauge.builder("nimbus.registry.registrations", service, s -> s.stats().registrations())
                .description("registered peer IDs and relay-only registrations now").register(registry);
        FunctionCounter.builder("nimbus.registry.errors", service, s -> s.stats().errors()).description("error replies").register(registry);
        service.lookupTimer(new RegistryService.LookupTimer() {
            @Override
            public long start() {
                return System.nanoTime();
            }

            @Override
            public void stop(String transport, long start) {
                lookupTimers.computeIfAbsent(transport, t -> histogram(Timer.builder("nimbus.registry.lookup").tag("transport", t)
                        .description("a lookup request answered, the registry's lock wait included")))
                        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        });
        sync();
    }

    /** Developer keys: connects admitted and refused per key ("accepted.KEY", "refused.KEY"). */
    public void bindKeys(Supplier<Map<String, Long>> counters, Supplier<Integer> keysInForce) {
        keyCounters = counters;
        Gauge.builder("nimbus.tc.keys", keysInForce, k -> k.get()).description("developer keys in force (0: any key admitted)")
                .register(registry);
        sync();
    }

    /** NetStream publish and play commands per transport. */
    public void bindStreams(String transport, LongAdder publishes, LongAdder plays) {
        FunctionCounter.builder("nimbus.tc.publishes", publishes, LongAdder::sum).tag("transport", transport)
                .description("NetStream publish commands").register(registry);
        FunctionCounter.builder("nimbus.tc.plays", plays, LongAdder::sum).tag("transport", transport)
                .description("NetStream play commands").register(registry);
    }

    /** Red5's applications: read at each scrape and status request (Red5's own objects, not RTMFP sessions). */
    public void bindApps(Supplier<Iterable<App>> source) {
        apps = source;
    }

    /** The applications as last read; reads them again. */
    public Map<String, App> apps() {
        Supplier<Iterable<App>> a = apps;
        if (a == null) {
            return Map.of();
        }
        Map<String, App> now = new java.util.TreeMap<>();
        for (App app : a.get()) {
            now.put(app.name(), app);
        }
        lastApps = now;
        for (String name : now.keySet()) {
            if (boundApps.add(name)) {
                for (String t : new String[] {"rtmfp", "rtmp"}) {
                    Gauge.builder("nimbus.app.connections", () -> {
                        App x = lastApps.get(name);
                        return x == null ? 0 : "rtmfp".equals(t) ? x.rtmfp() : x.rtmp();
                    }).tags(Tags.of("app", name, "transport", t)).description("connections to the Red5 application now")
                            .register(registry);
                }
                Gauge.builder("nimbus.app.streams", () -> {
                    App x = lastApps.get(name);
                    return x == null ? 0 : x.streams();
                }).tag("app", name).description("streams published in the application now").register(registry);
            }
        }
        return now;
    }

    /** Binds counters, transports and keys that appeared since the last call. */
    public void sync() {
        RtmfpCounters c = counters;
        if (c != null) {
            for (String name : c.snapshot().keySet()) {
                if (boundCounters.add(name)) {
                    CounterName n = CounterName.of(name);
                    FunctionCounter.builder(n.meter(), c, x -> x.get(name)).tags(n.tags()).description(n.description())
                            .register(registry);
                }
            }
        }
        RegistryService r = registryService;
        if (r != null) {
            for (Map.Entry<String, TransportFigures.Figures> e : r.transports().snapshot().entrySet()) {
                String t = e.getKey();
                TransportFigures.Figures f = e.getValue();
                if (boundTransports.add(t)) {
                    Tags tags = Tags.of("transport", t);
                    Gauge.builder("nimbus.registry.connections", f, TransportFigures.Figures::connections).tags(tags)
                            .description("registry connections now").register(registry);
                    Gauge.builder("nimbus.registry.names", f, TransportFigures.Figures::names).tags(tags)
                            .description("names held now by the transport's connections").register(registry);
                    FunctionCounter.builder("nimbus.registry.lookups", f, TransportFigures.Figures::lookups).tags(tags)
                            .description("lookups").register(registry);
                    FunctionCounter.builder("nimbus.registry.relays", f, TransportFigures.Figures::relays).tags(tags)
                            .description("relayed sends").register(registry);
                }
            }
        }
        Supplier<Map<String, Long>> k = keyCounters;
        if (k != null) {
            for (String name : k.get().keySet()) {
                int dot = name.indexOf('.');
                if (dot > 0 && boundKeys.add(name)) {
                    Supplier<Map<String, Long>> src = k;
                    FunctionCounter.builder("nimbus.tc.key.connects", src, s -> s.get().getOrDefault(name, 0L))
                            .tags(Tags.of("outcome", name.substring(0, dot), "key", name.substring(dot + 1)))
                            .description("connects admitted or refused per developer key").register(registry);
                }
            }
        }
    }

    /** The Prometheus text exposition (format 0.0.4). */
    public String scrape() {
        sync();
        apps();
        return registry.scrape();
    }

    @Override
    public void close() {
        RtmfpCounters c = counters;
        if (c != null) {
            c.latencies(null);
        }
        RegistryService r = registryService;
        if (r != null) {
            r.lookupTimer(null);
        }
        registry.close();
    }
}
