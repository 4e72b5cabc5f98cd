package org.nimbus.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a comma-separated list of UDP bind addresses: {@code host:port}, {@code [ipv6]:port} or
 * {@code *:port}. Hosts must be IP literals or "localhost" so that parsing never waits on DNS.
 */
public final class BindAddresses {
    private BindAddresses() {
    }

    static List<InetSocketAddress> parse(String text) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            out.add(parseOne(p));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no address");
        }
        return List.copyOf(out);
    }

    /** The inverse of parse, for log lines and errors: {@code *:1935, 127.0.0.1:1935, [::1]:1935}. */
    public static String describe(List<InetSocketAddress> addresses) {
        List<String> out = new ArrayList<>();
        for (InetSocketAddress a : addresses) {
            String host = a.getAddress().isAnyLocalAddress() ? "*" : a.getAddress().getHostAddress();
            out.add((host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort());
        }
        return String.join(", ", out);
    }

    private static InetSocketAddress parseOne(String p) {
        int colon = p.lastIndexOf(':');
        if (colon <= 0 || colon == p.length() - 1) {
            throw new IllegalArgumentException("'" + p + "' has no port");
        }
        String host = p.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(p.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + p + "' has a bad port");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " out of range");
        }
        if (host.equals("*")) {
            return new InetSocketAddress(port);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("IPv6 address '" + host + "' must be in brackets");
        }
        if (!host.equals("localhost") && !looksLikeIpLiteral(host)) {
            throw new IllegalArgumentException("'" + host + "' is not an IP address");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + host + "' is not an IP address");
        }
    }

    private static boolean looksLikeIpLiteral(String host) {
        return host.matches("[0-9.]+") && host.split("\\.", -1).length == 4
                || host.matches("[0-9a-fA-F:.%a-zA-Z0-9]+") && host.contains(":");
    }
}
