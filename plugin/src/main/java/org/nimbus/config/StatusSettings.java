package org.nimbus.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** The keys of nimbus.properties for the status page (/nimbus/status) and metrics (/nimbus/metrics). */
public final class StatusSettings {
    /** Who may open the status page and the metrics endpoint. */
    public enum Access { OFF, BASIC, ALLOW }

    private static final Pattern IP_LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

    public static final Setting<Access> ACCESS = new Setting<>("status.access", "off", "off, basic or allow",
            "the status page and metrics: off (not served), basic (HTTP Basic with status.user/status.password) or allow"
                    + " (only from the addresses of status.allow)", s -> Access.valueOf(s.toUpperCase(Locale.ROOT)));
    public static final Setting<String> USER = new Setting<>("status.user", "", "a user name without ':'",
            "the user name status.access=basic asks for", s -> {
                if (s.contains(":")) {
                    throw new IllegalArgumentException("contains ':'");
                }
                return s;
            });
    public static final Setting<String> PASSWORD = new Setting<>("status.password", "", "any text (shown masked on the page)",
            "the password status.access=basic asks for", s -> s);
    public static final Setting<List<Cidr>> ALLOW = new Setting<>("status.allow", "127.0.0.1,::1",
            "comma-separated IP addresses or CIDR blocks (10.0.0.0/8)", "the client addresses status.access=allow admits",
            StatusSettings::cidrs);

    static final List<Setting<?>> ALL = List.of(ACCESS, USER, PASSWORD, ALLOW);

    /** The keys whose values the status page masks. */
    public static final List<String> SECRETS = List.of("registry.secret", "status.password", "cluster.secret", "cluster.redis");

    /** An address block: an IP literal and a prefix length. */
    public record Cidr(byte[] network, int prefix, String text) {
        public boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != network.length) {
                return false;
            }
            for (int i = 0; i < prefix; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((b[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    static List<Cidr> cidrs(String s) {
        List<Cidr> out = new ArrayList<>();
        for (String part : s.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int slash = p.indexOf('/');
            String ip = slash < 0 ? p : p.substring(0, slash);
            if (!IP_LITERAL.matcher(ip).matches()) {
                throw new IllegalArgumentException("not an IP address: " + ip);
            }
            byte[] bytes;
            try {
                bytes = InetAddress.getByName(ip).getAddress(); // a literal: no name lookup
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an IP address: " + ip);
            }
            int prefix = bytes.length * 8;
            if (slash >= 0) {
                prefix = Integer.parseInt(p.substring(slash + 1));
                if (prefix < 0 || prefix > bytes.length * 8) {
                    throw new IllegalArgumentException("bad prefix length in " + p);
                }
            }
            out.add(new Cidr(bytes, prefix, p));
        }
        return List.copyOf(out);
    }

    private StatusSettings() {
    }
}
