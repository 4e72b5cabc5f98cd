package org.nimbus.config;

import java.net.InetSocketAddress;
import java.util.List;
import org.nimbus.registry.RegistryLimits;

/** The registry's keys of nimbus.properties (docs/registry-protocol.md gives their meaning). */
public final class RegistrySettings {
    private static final String BIND_ACCEPTS = "empty (off), or comma-separated host:port, [ipv6]:port or *:port";

    public static final Setting<List<InetSocketAddress>> TCP_BIND = new Setting<>("registry.tcp.bind", "*:1936",
            BIND_ACCEPTS, "TCP addresses of the registry for flash.net.Socket (length-prefixed JSON frames)",
            RegistrySettings::bindOrOff);
    public static final Setting<List<InetSocketAddress>> WS_BIND = new Setting<>("registry.ws.bind", "",
            BIND_ACCEPTS, "a separate port for the registry WebSocket, besides /nimbus/registry on Red5's HTTP port",
            RegistrySettings::bindOrOff);
    public static final Setting<Boolean> POLICY_843 = new Setting<>("registry.policy843.enabled", "false",
            "true or false", "also answer Flash socket policy requests on TCP port 843 (all addresses)",
            RegistrySettings::bool);
    public static final Setting<String> SECRET = new Setting<>("registry.secret", "",
            "empty, or at least 16 characters", "HMAC-SHA256 secret for account tokens; empty: a random one per start",
            s -> {
                if (!s.isEmpty() && s.length() < 16) {
                    throw new IllegalArgumentException("too short");
                }
                return s;
            });
    public static final Setting<Boolean> DEMO_TOKENS = new Setting<>("registry.demo_tokens", "false", "true or false",
            "serve the demo page's /demo/token, which mints an account token for any name it is asked; never on a"
                    + " site with real accounts", RegistrySettings::bool);
    public static final Setting<Integer> KEEPALIVE = Setting.intRange("registry.keepalive_seconds", 30, 1, 3600,
            "clients send a frame at least this often; silent for 1.5 times as long, they are dropped");
    public static final Setting<Integer> FRAME_TIMEOUT = Setting.intRange("registry.frame_timeout_seconds", 10, 1, 3600,
            "a frame must arrive whole within this time once begun");
    public static final Setting<Integer> MAX_FRAME = Setting.intRange("registry.max_frame_bytes", 65536, 256, 16 << 20,
            "largest frame accepted; a larger one ends the connection");
    public static final Setting<Integer> MAX_CONNECTIONS_PER_IP = Setting.intRange("registry.max_connections_per_ip", 64,
            1, 1_000_000, "registry connections from one address at once, over all transports");
    public static final Setting<Integer> MAX_NAMES = Setting.intRange("registry.max_names", 200_000, 1, 100_000_000,
            "names (accounts and guests) held at once");
    public static final Setting<Integer> MAX_SUBSCRIPTIONS = Setting.intRange("registry.max_subscriptions", 1000, 0,
            1_000_000, "names one connection may follow");
    public static final Setting<Integer> SEND_RATE = Setting.intRange("registry.send_rate", 20, 1, 1_000_000,
            "relayed sends per second per connection");
    public static final Setting<Integer> MAX_TEXT = Setting.intRange("registry.max_text_chars", 4096, 1, 1 << 20,
            "longest relayed text, in characters");

    public static final Setting<Integer> ACCEPT_RATE_PER_IP = Setting.intRange("registry.accept_rate_per_ip", 64, 0,
            1_000_000, "new registry connections per second from one address, bursts of as many, over all transports; 0: no limit");

    static final List<Setting<?>> ALL = List.of(TCP_BIND, WS_BIND, POLICY_843, SECRET, DEMO_TOKENS, KEEPALIVE, FRAME_TIMEOUT,
            MAX_FRAME, MAX_CONNECTIONS_PER_IP, MAX_NAMES, MAX_SUBSCRIPTIONS, SEND_RATE, MAX_TEXT, ACCEPT_RATE_PER_IP);

    private RegistrySettings() {
    }

    public static RegistryLimits limits(NimbusConfig c) {
        return new RegistryLimits(c.get(KEEPALIVE), c.get(FRAME_TIMEOUT), c.get(MAX_FRAME), c.get(MAX_CONNECTIONS_PER_IP),
                c.get(MAX_NAMES), c.get(MAX_SUBSCRIPTIONS), c.get(SEND_RATE), c.get(MAX_TEXT), c.get(ACCEPT_RATE_PER_IP));
    }

    private static List<InetSocketAddress> bindOrOff(String s) {
        return s.isEmpty() ? List.of() : BindAddresses.parse(s);
    }

    static boolean bool(String s) {
        return switch (s) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        };
    }
}
