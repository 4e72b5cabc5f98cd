package org.nimbus.registry;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The registry in process with 100 000 registered names (BENCHMARKS.md, section Registry).
 * Not a test: run it through JMH's main, as BENCHMARKS.md shows.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class RegistryBenchmark {
    static final int NAMES = 100_000;
    static final int FOLLOWERS = 1000;

    /** A connection that only counts: the cost measured is the registry's, not a socket's. */
    static final class Counting implements RegistryConnection {
        long received;

        @Override
        public void send(JsonObject message) {
            received++;
        }

        @Override
        public void close() {
        }
    }

    RegistryService service;
    AccountTokens tokens;
    String[] names;
    List<RegistrySession> sessions;
    RegistrySession watched;
    int next;

    @Setup(Level.Trial)
    public void setUp() {
        tokens = new AccountTokens("benchmark-secret".getBytes(StandardCharsets.UTF_8));
        RegistryLimits d = RegistryLimits.defaults();
        RegistryLimits limits = new RegistryLimits(d.keepaliveSeconds(), d.frameTimeoutSeconds(), d.maxFrameBytes(),
                Integer.MAX_VALUE, NAMES * 2, d.maxSubscriptions(), d.sendRate(), d.maxTextChars(), 0);
        service = new RegistryService(new InMemoryRegistryStore(), tokens, new GuestNames(new Random(1)), Clock.systemUTC(), limits);
        long exp = System.currentTimeMillis() / 1000 + 86_400;
        names = new String[NAMES];
        sessions = new ArrayList<>(NAMES);
        for (int i = 0; i < NAMES; i++) {
            names[i] = "user" + i;
            RegistrySession s = service.open(new Counting(), "10." + (i >> 16) + "." + (i >> 8 & 255) + "." + (i & 255), true);
            service.helloAccount(s, tokens.mint(names[i], exp));
            service.register(s, String.format("%064x", i));
            sessions.add(s);
        }
        watched = service.open(new Counting(), "192.0.2.1", true);
        service.helloAccount(watched, tokens.mint("watched", exp));
        for (int i = 0; i < FOLLOWERS; i++) {
            service.subscribe(sessions.get(i), List.of("watched"));
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public RegistryService.Lookup lookup() {
        return service.lookup(names[ThreadLocalRandom.current().nextInt(NAMES)]);
    }

    /** register(peerId) on a connection that holds its name: a new peer ID replaces the old one. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void register() {
        int i = next++ % NAMES;
        service.register(sessions.get(i), String.format("%064x", i + (next & 1)));
    }

    /** A whole join: connect, hello with a token (HMAC check), register, and leave. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void helloRegisterClose(Blackhole bh) {
        int i = next++;
        RegistrySession s = service.open(new Counting(), "198.51.100.1", true);
        bh.consume(service.helloAccount(s, tokens.mint("joiner" + (i & 1023), Long.MAX_VALUE / 2)));
        service.register(s, "f".repeat(64));
        service.close(s);
    }

    /** One presence change reaching 1000 followers (online, then offline: two events per call). */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void presenceFanOutTo1000() {
        service.register(watched, "e".repeat(64));
        service.unregister(watched, "e".repeat(64));
    }
}
