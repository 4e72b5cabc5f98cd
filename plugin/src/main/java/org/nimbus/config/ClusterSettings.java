package org.nimbus.config;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The cluster.* keys: several Red5 nodes sharing one registry in Redis (docs/cluster.md). With
 * {@code cluster.redis} empty the node is alone, exactly as without these keys.
 */
public final class ClusterSettings {
    private static final Set<String> SCHEMES = Set.of("redis", "rediss", "redis-sentinel", "rediss-sentinel");
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public static final Setting<String> REDIS = new Setting<>("cluster.redis", "",
            "empty (one node), or a redis://, rediss:// or redis-sentinel:// URI",
            "the Redis that nodes share the registry through; empty: this node is alone (the in-memory registry)",
            ClusterSettings::redisUri);
    public static final Setting<String> NODE = new Setting<>("cluster.node_id", "",
            "empty, or 1 to 64 of A-Z a-z 0-9 . _ -", "this node's name among the nodes, unique; required with cluster.redis",
            s -> {
                if (!s.isEmpty() && !NODE_ID.matcher(s).matches()) {
                    throw new IllegalArgumentException("not a node name");
                }
                return s;
            });
    public static final Setting<List<InetSocketAddress>> ADVERTISE = new Setting<>("cluster.advertise", "",
            "empty, or comma-separated host:port / [ipv6]:port (IP literals)",
            "the RTMFP addresses other nodes' clients reach this node at (for introductions across nodes)",
            s -> s.isEmpty() ? List.of() : BindAddresses.parse(s));
    public static final Setting<String> SECRET = new Setting<>("cluster.secret", "",
            "empty, or at least 16 bytes (UTF-8)", "HMAC-SHA256 key of every message between nodes; the same on every node;"
                    + " required with cluster.redis", s -> {
                if (!s.isEmpty() && s.getBytes(StandardCharsets.UTF_8).length < 16) {
                    throw new IllegalArgumentException("shorter than 16 bytes");
                }
                return s;
            });
    public static final Setting<Integer> HEARTBEAT = Setting.intRange("cluster.heartbeat", 5, 1, 300,
            "seconds between a node's heartbeats in Redis; a node silent for twice as long is dead and its names go");

    static final List<Setting<?>> ALL = List.of(REDIS, NODE, ADVERTISE, SECRET, HEARTBEAT);

    private ClusterSettings() {
    }

    /** Whether this node shares its registry (cluster.redis set). */
    public static boolean enabled(NimbusConfig c) {
        return !c.get(REDIS).isEmpty();
    }

    /** Cross-key checks: a cluster needs a node name and a secret. */
    static void check(NimbusConfig c) {
        if (!enabled(c)) {
            return;
        }
        if (c.get(NODE).isEmpty()) {
            throw new ConfigException("nimbus.properties: 'cluster.node_id' is required when 'cluster.redis' is set");
        }
        if (c.get(SECRET).isEmpty()) {
            throw new ConfigException("nimbus.properties: 'cluster.secret' (at least 16 bytes, the same on every node)"
                    + " is required when 'cluster.redis' is set");
        }
    }

    private static String redisUri(String s) {
        if (s.isEmpty()) {
            return s;
        }
        URI u;
        try {
            u = new URI(s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URI");
        }
        if (u.getScheme() == null || !SCHEMES.contains(u.getScheme())) {
            throw new IllegalArgumentException("scheme must be one of " + SCHEMES);
        }
        if (u.getHost() == null || u.getHost().isEmpty()) {
            throw new IllegalArgumentException("no host");
        }
        return s;
    }
}
