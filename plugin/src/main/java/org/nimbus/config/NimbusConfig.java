package org.nimbus.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.nimbus.rtmfp.session.SessionConfig;

/**
 * The validated, immutable contents of nimbus.properties. Every key is declared in
 * {@link #SETTINGS} with its default and what it accepts; an unknown key or a bad value is a
 * {@link ConfigException} naming the key, never a silent default.
 */
public final class NimbusConfig {

    public static final Setting<List<InetSocketAddress>> RTMFP_BIND = new Setting<>("rtmfp.bind", "*:1935",
            "comma-separated host:port, [ipv6]:port or *:port (host an IP literal or localhost, port 1-65535)",
            "UDP addresses of the RTMFP endpoint; * is the dual-stack wildcard", BindAddresses::parse);

    public static final Setting<Integer> RTMFP_MAX_SESSIONS = Setting.intRange("rtmfp.max_sessions", 10_000, 1,
            1_000_000, "RTMFP sessions held at once; handshakes beyond are dropped");
    public static final Setting<Integer> RTMFP_SESSIONS_PER_SOURCE = Setting.intRange("rtmfp.sessions_per_source_per_second",
            50, 0, 1_000_000, "new RTMFP sessions one IP address may open per second (each costs a key agreement); 0 = no limit");
    public static final Setting<Integer> RTMFP_KEEPALIVE_SECONDS = Setting.intRange("rtmfp.keepalive_seconds", 15, 1,
            3600, "a quiet RTMFP session is pinged after this many seconds");
    public static final Setting<Integer> RTMFP_IDLE_TIMEOUT_SECONDS = Setting.intRange("rtmfp.idle_timeout_seconds", 60,
            2, 86_400, "an RTMFP session that sends nothing for this long is closed (must exceed the keepalive)");
    public static final Setting<Integer> RTMFP_FLOW_BUFFER_BYTES = Setting.intRange("rtmfp.flow_buffer_bytes", 1 << 20,
            4096, 64 << 20, "receive buffer of each RTMFP flow (flow control window)");
    public static final Setting<Integer> RTMFP_MAX_FLOWS = Setting.intRange("rtmfp.max_flows_per_session", 64, 1,
            65_536, "receive flows one session may hold open; further ones are rejected");
    public static final Setting<Integer> RTMFP_SESSION_BUFFER_BYTES = Setting.intRange("rtmfp.session_buffer_bytes",
            4 << 20, 4096, 1 << 30, "bytes all receive flows of one session may buffer together (at least rtmfp.flow_buffer_bytes)");
    public static final Setting<Long> RTMFP_RECEIVE_BUFFER_TOTAL_BYTES = Setting.longRange("rtmfp.receive_buffer_total_bytes",
            256L << 20, 4096, 1L << 40, "bytes the receive flows of all sessions may buffer together (at least rtmfp.session_buffer_bytes)");

    /** Every key, in the order the README documents them. */
    public static final List<Setting<?>> SETTINGS = Stream.concat(List.of(RTMFP_BIND, RTMFP_MAX_SESSIONS, RTMFP_SESSIONS_PER_SOURCE, RTMFP_KEEPALIVE_SECONDS,
            RTMFP_IDLE_TIMEOUT_SECONDS, RTMFP_FLOW_BUFFER_BYTES, RTMFP_MAX_FLOWS, RTMFP_SESSION_BUFFER_BYTES,
            RTMFP_RECEIVE_BUFFER_TOTAL_BYTES, IntroductionSettings.FIHELLO_PER_TARGET,
            IntroductionSettings.PER_SOURCE, IntroductionSettings.MAX_REDIRECT_ADDRESSES).stream(),
            Stream.concat(RegistrySettings.ALL.stream(), Stream.concat(TcSettings.ALL.stream(), Stream.concat(CirrusSettings.ALL.stream(),
            Stream.concat(ConnCheckSettings.ALL.stream(), Stream.concat(StatusSettings.ALL.stream(), Stream.concat(WebRtcSettings.ALL.stream(),
            ClusterSettings.ALL.stream()))))))).toList();

    private final Map<String, Object> values;
    private final Set<String> given;

    private NimbusConfig(Map<String, Object> values, Set<String> given) {
        this.values = values;
        this.given = given;
    }

    public static NimbusConfig defaults() {
        return from(new Properties());
    }

    public static NimbusConfig from(Properties props) {
        TreeSet<String> unknown = new TreeSet<>(props.stringPropertyNames());
        Set<String> given = new TreeSet<>();
        Map<String, Object> values = new LinkedHashMap<>();
        for (Setting<?> s : SETTINGS) {
            if (unknown.remove(s.key())) {
                given.add(s.key());
            }
            String text = props.getProperty(s.key(), s.defaultValue());
            values.put(s.key(), s.parse(text));
        }
        NimbusConfig config = new NimbusConfig(Map.copyOf(values), Set.copyOf(given));
        config.sessionConfig(); // cross-key checks
        ClusterSettings.check(config);
        if (!unknown.isEmpty()) {
            throw new ConfigException("nimbus.properties: unknown key(s) " + unknown + "; known keys: "
                    + SETTINGS.stream().map(Setting::key).toList());
        }
        return config;
    }

    /** Reads the file; a missing file means all defaults. */
    public static NimbusConfig load(Path file) throws IOException {
        Properties props = new Properties();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                props.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            }
        }
        return from(props);
    }

    /** The session layer's settings; the idle timeout must exceed the keepalive. */
    public SessionConfig sessionConfig() {
        int keepalive = get(RTMFP_KEEPALIVE_SECONDS);
        int idle = get(RTMFP_IDLE_TIMEOUT_SECONDS);
        if (idle <= keepalive) {
            throw new ConfigException("nimbus.properties: 'rtmfp.idle_timeout_seconds' (" + idle
                    + ") must be greater than 'rtmfp.keepalive_seconds' (" + keepalive + ")");
        }
        int flow = get(RTMFP_FLOW_BUFFER_BYTES);
        int session = get(RTMFP_SESSION_BUFFER_BYTES);
        long total = get(RTMFP_RECEIVE_BUFFER_TOTAL_BYTES);
        if (session < flow) {
            throw new ConfigException("nimbus.properties: 'rtmfp.session_buffer_bytes' (" + session
                    + ") must be at least 'rtmfp.flow_buffer_bytes' (" + flow + ")");
        }
        if (total < session) {
            throw new ConfigException("nimbus.properties: 'rtmfp.receive_buffer_total_bytes' (" + total
                    + ") must be at least 'rtmfp.session_buffer_bytes' (" + session + ")");
        }
        return new SessionConfig(get(RTMFP_MAX_SESSIONS), keepalive * 1000L, idle * 1000L, flow, get(RTMFP_MAX_FLOWS),
                session, total);
    }

    /** Whether the file set the key (otherwise {@link #get} is its default). */
    public boolean isSet(Setting<?> setting) {
        return given.contains(setting.key());
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        return (T) values.get(setting.key());
    }
}
