package org.nimbus.config;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * The keys of nimbus.properties for the connectivity check ({@code rtmfp://host/conncheck}): the
 * extra UDP sockets it probes from. All empty: no check (a conncheck connect is refused).
 */
public final class ConnCheckSettings {

    public static final Setting<Integer> OTHER_PORT = new Setting<>("conncheck.other_port", "",
            "empty (off), or a port 1-65535", "another UDP port on the first rtmfp.bind address: the check's "
            + "'same address, different port' probes; required for the check", s -> {
                if (s.isEmpty()) {
                    return 0;
                }
                int p;
                try {
                    p = Integer.parseInt(s);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a port");
                }
                if (p < 1 || p > 65535) {
                    throw new IllegalArgumentException("port " + p + " out of range");
                }
                return p;
            });
    public static final Setting<Optional<InetSocketAddress>> OTHER_ADDRESS = new Setting<>("conncheck.other_address", "",
            "empty, or host:port / [ipv6]:port (an IP literal of this host)",
            "a second IP address of this host: the check's 'different address' probes", ConnCheckSettings::address);
    public static final Setting<Optional<InetSocketAddress>> INTRO_ADDRESS = new Setting<>("conncheck.intro_address", "",
            "empty, or host:port / [ipv6]:port (an IP literal of this host)",
            "a third IP address of this host: the reply address of the check's Forwarded IHello", ConnCheckSettings::address);
    public static final Setting<Integer> MAX_CHECKS = Setting.intRange("conncheck.max_checks", 1000, 1, 1_000_000,
            "connectivity checks under way at once; a setPeerInfo beyond starts none (the session closes at its idle timeout)");

    static final List<Setting<?>> ALL = List.of(OTHER_PORT, OTHER_ADDRESS, INTRO_ADDRESS, MAX_CHECKS);

    private ConnCheckSettings() {
    }

    private static Optional<InetSocketAddress> address(String s) {
        if (s.isEmpty()) {
            return Optional.empty();
        }
        List<InetSocketAddress> a = BindAddresses.parse(s);
        if (a.size() != 1 || a.get(0).getAddress().isAnyLocalAddress()) {
            throw new IllegalArgumentException("one address of this host, not a wildcard");
        }
        return Optional.of(a.get(0));
    }
}
