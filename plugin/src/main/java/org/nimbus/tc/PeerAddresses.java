package org.nimbus.tc;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The address strings of {@code setPeerInfo} (RFC 7425 §5.4): {@code "a.b.c.d:port"} or
 * {@code "[v6]:port"}, the client's own candidate addresses. Only IP literals are taken (a name
 * would make the server resolve what a client chose); anything else is skipped, so a malformed
 * entry never costs the good ones.
 */
public final class PeerAddresses {
    private static final Pattern V4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]+(%[0-9A-Za-z_.-]+)?");

    private PeerAddresses() {
    }

    public static List<InetSocketAddress> parse(List<Object> values) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Object v : values) {
            if (v instanceof String s) {
                InetSocketAddress a = parse(s.trim());
                if (a != null) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    /** An address as setPeerInfo writes it: "a.b.c.d:port" or "[v6]:port" (no zone). */
    public static String format(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        int zone = host.indexOf('%');
        if (zone >= 0) {
            host = host.substring(0, zone);
        }
        return (a.getAddress() instanceof java.net.Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    static InetSocketAddress parse(String s) {
        String host;
        String port;
        if (s.startsWith("[")) {
            int end = s.indexOf("]:");
            if (end < 0) {
                return null;
            }
            host = s.substring(1, end);
            port = s.substring(end + 2);
            if (!V6.matcher(host).matches() || !host.contains(":")) {
                return null;
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                return null;
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
            if (!V4.matcher(host).matches()) {
                return null;
            }
        }
        try {
            int p = Integer.parseInt(port);
            if (p < 1 || p > 65535) {
                return null;
            }
            return new InetSocketAddress(InetAddress.getByName(host), p); // a literal: no lookup
        } catch (NumberFormatException | UnknownHostException e) {
            return null;
        }
    }
}
