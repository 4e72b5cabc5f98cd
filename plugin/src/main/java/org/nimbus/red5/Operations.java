package org.nimbus.red5;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.nimbus.config.NimbusConfig;
import org.nimbus.metrics.NimbusMetrics;
import org.nimbus.metrics.StatusHistory;
import org.nimbus.registry.RegistryStats;
import org.nimbus.transport.RtmfpServer;
import org.nimbus.transport.SourceTally;
import org.red5.server.api.IConnection;
import org.red5.server.api.IServer;
import org.red5.server.api.scope.IGlobalScope;
import org.red5.server.api.scope.IScope;
import org.red5.server.api.scope.ScopeType;

/**
 * What the status page and /nimbus/metrics read: the meters, the plots' history, the busiest
 * sources, Red5's applications and the configuration in force. Made by the plugin at start; the
 * nimbus web app (which starts later) finds it through {@link #current()}.
 */
public final class Operations implements AutoCloseable {
    private static volatile Operations current;

    private final NimbusConfig config;
    private final NimbusMetrics metrics = new NimbusMetrics();
    private final StatusHistory history;
    private final RtmfpServer rtmfp;
    private final IServer server;

    private Operations(NimbusConfig config, RtmfpServer rtmfp, RegistryLauncher registry, KeysMXBean keys, IServer server) {
        this.config = config;
        this.rtmfp = rtmfp;
        this.server = server;
        if (rtmfp != null) {
            metrics.bindRtmfp(rtmfp.endpoint());
        }
        if (registry != null) {
            metrics.bindRegistry(registry.service());
        }
        if (keys != null) {
            metrics.bindKeys(keys::getCounters, keys::getKeys);
        }
        metrics.bindStreams("rtmfp", StreamCounters.RTMFP_PUBLISHES, StreamCounters.RTMFP_PLAYS);
        metrics.bindStreams("rtmp", StreamCounters.RTMP_PUBLISHES, StreamCounters.RTMP_PLAYS);
        metrics.bindApps(this::readApps);
        history = new StatusHistory(() -> {
            Map<String, Long> c = rtmfp == null ? Map.of() : rtmfp.endpoint().counters().snapshot();
            RegistryStats r = registry == null ? null : registry.stats();
            return new StatusHistory.Reading(rtmfp == null ? 0 : rtmfp.endpoint().sessionCount(),
                    c.getOrDefault("session.opened", 0L), StatusHistory.sum(c, "introduction.", "introduction.request"),
                    StatusHistory.sum(c, "drop.", null), r == null ? 0 : r.accounts() + r.guests(), StatusHistory.heapUsed());
        }, () -> {
            if (rtmfp != null) {
                rtmfp.udp().sources().prune();
            }
        }).start();
    }

    static Operations start(NimbusConfig config, RtmfpServer rtmfp, RegistryLauncher registry, KeysMXBean keys, IServer server) {
        Operations o = new Operations(config, rtmfp, registry, keys, server);
        current = o;
        return o;
    }

    /** The running instance, or null before the plugin started (or after it stopped). */
    public static Operations current() {
        return current;
    }

    public NimbusConfig config() {
        return config;
    }

    public NimbusMetrics metrics() {
        return metrics;
    }

    public StatusHistory history() {
        return history;
    }

    /** The busiest source addresses of RTMFP datagrams. */
    public List<SourceTally.Source> sources(int n) {
        return rtmfp == null ? List.of() : rtmfp.udp().sources().top(n);
    }

    /** RTMFP counters now (empty when RTMFP is off). */
    public Map<String, Long> counters() {
        return rtmfp == null ? Map.of() : rtmfp.endpoint().counters().snapshot();
    }

    public int sessions() {
        return rtmfp == null ? 0 : rtmfp.endpoint().sessionCount();
    }

    public long receiveBufferedBytes() {
        return rtmfp == null ? 0 : rtmfp.endpoint().receiveBufferedBytes();
    }

    /** Each Red5 application (and its rooms): RTMFP and RTMP connections, published streams. */
    private Iterable<NimbusMetrics.App> readApps() {
        List<NimbusMetrics.App> out = new ArrayList<>();
        if (server == null) {
            return out;
        }
        for (Iterator<IGlobalScope> it = server.getGlobalScopes(); it != null && it.hasNext(); ) {
            IGlobalScope global = it.next();
            for (String name : global.getScopeNames()) {
                IScope app = global.getScope(name);
                if (app == null) {
                    continue;
                }
                int[] n = new int[3];
                tally(app, n);
                out.add(new NimbusMetrics.App(name, n[0], n[1], n[2]));
            }
        }
        return out;
    }

    private static void tally(IScope scope, int[] n) {
        for (IConnection c : scope.getClientConnections()) {
            if (c instanceof RtmfpConnection) {
                n[0]++;
            } else {
                n[1]++;
            }
        }
        n[2] += scope.getBasicScopeNames(ScopeType.BROADCAST).size();
        for (String room : scope.getScopeNames()) {
            IScope child = scope.getScope(room);
            if (child != null) {
                tally(child, n);
            }
        }
    }

    @Override
    public void close() {
        if (current == this) {
            current = null;
        }
        history.close();
        metrics.close();
    }
}
