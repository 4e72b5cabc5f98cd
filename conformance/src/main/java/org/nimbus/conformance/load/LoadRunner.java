package org.nimbus.conformance.load;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs one {@link LoadSpec} against a server and prints its figures: rates, HdrHistogram latency
 * percentiles and, given {@code jmx}, the server's heap and CPU. Returns the exit code: 0 when no
 * operation failed, 1 otherwise.
 */
public final class LoadRunner {
    private final LoadSpec spec;
    private final String uri;
    private final java.net.InetSocketAddress registryTcp;
    private final java.net.URI registryWs;
    private final java.net.URI rtmp;
    private final String jmx;
    private final java.time.Duration timeout;
    private final java.io.PrintStream out;

    public LoadRunner(LoadSpec spec, String uri, java.net.InetSocketAddress registryTcp, java.net.URI registryWs,
                      String jmx, java.time.Duration timeout, java.io.PrintStream out) {
        this(spec, uri, registryTcp, registryWs, null, jmx, timeout, out);
    }

    /** With {@code rtmp}, the same application over RTMP (mix=fanout's RTMP players). */
    public LoadRunner(LoadSpec spec, String uri, java.net.InetSocketAddress registryTcp, java.net.URI registryWs,
                      java.net.URI rtmp, String jmx, java.time.Duration timeout, java.io.PrintStream out) {
        this.spec = spec;
        this.uri = uri;
        this.registryTcp = registryTcp;
        this.registryWs = registryWs;
        this.rtmp = rtmp;
        this.jmx = jmx;
        this.timeout = timeout;
        this.out = out;
    }

    static LoadMix mix(LoadSpec.Mix m) {
        return switch (m) {
            case HANDSHAKE -> new HandshakeMix();
            case IDLE -> new IdleMix();
            case LOOKUP -> new LookupMix();
            case INTRODUCE -> new IntroduceMix();
            case CALL -> new CallMix();
            case FANOUT -> new FanoutMix();
            case SOAK -> new SoakMix();
        };
    }

    public int run() throws Exception {
        LoadMix mix = mix(spec.mix());
        out.println("load: " + spec.describe() + " against " + uri + (rtmp == null ? "" : " and " + rtmp));
        ServerProbe probe = jmx == null ? null : new ServerProbe(jmx);
        LoadContext context = new LoadContext(spec, uri, registryTcp, registryWs, rtmp, timeout, out, probe);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "load-jmx-sampler");
            t.setDaemon(true);
            return t;
        });
        try {
            if (probe != null) {
                probe.start();
                sampler.scheduleAtFixedRate(() -> {
                    try {
                        probe.sample();
                    } catch (java.io.IOException e) {
                        // the summary reports what was sampled; a missed sample loses nothing else
                    }
                }, 1, 1, TimeUnit.SECONDS);
            }
            long failures = mix.run(context);
            if (probe != null) {
                context.out().println(probe.summary());
            }
            context.out().println(failures == 0 ? "result: no failures" : "result: " + failures + " failed operation(s)");
            return failures == 0 ? 0 : 1;
        } finally {
            sampler.shutdownNow();
            if (probe != null) {
                probe.close();
            }
        }
    }
}
