package org.nimbus.introduction;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A small internet in network namespaces, made and removed by the test itself (iproute2 and
 * iptables; nothing outside these namespaces is touched). One "internet" namespace holds a
 * bridge, 10.77.0.0/24; hosts and NAT routers plug into it with veth pairs. A NAT router has a
 * LAN bridge 192.168.N.0/24 behind it and masquerades what leaves its WAN side: like a
 * port-restricted cone NAT (Linux keeps the source port and lets in only replies), or with
 * {@code --random-fully} a symmetric one (a new random port for every destination). Unsolicited
 * packets to a router are dropped before conntrack remembers them, as home routers do, so a
 * stray early packet does not spoil the mapping a later outgoing packet needs.
 */
final class NetnsLab implements AutoCloseable {
    private final String prefix = "nb" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
    private final List<String> namespaces = new ArrayList<>();
    private final String inet;
    private int links;

    NetnsLab() throws IOException, InterruptedException {
        // Namespaces outlive a killed test JVM: remove them on any exit, and at once if setup fails.
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "netns-cleanup"));
        try {
            inet = namespace("inet");
            run("ip", "netns", "exec", inet, "ip", "link", "add", "br0", "type", "bridge");
            run("ip", "netns", "exec", inet, "ip", "link", "set", "br0", "up");
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** A JVM command on the test's own class path (the plugin's test classes and the kit), small and quick to start. */
    static List<String> java(String mainClass, String... args) {
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), mainClass));
        c.addAll(List.of(args));
        return c;
    }

    /** Runs a command; a failure is an exception carrying its output. */
    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out.trim());
        }
        return out;
    }

    private synchronized String namespace(String name) throws IOException, InterruptedException {
        String ns = prefix + "-" + name;
        run("ip", "netns", "add", ns);
        namespaces.add(ns);
        run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
        return ns;
    }

    /** A veth pair: {@code ifA} in {@code nsA}, {@code ifB} in {@code nsB}. */
    private void link(String nsA, String ifA, String nsB, String ifB) throws IOException, InterruptedException {
        String tmpA = prefix + "a" + links;
        String tmpB = prefix + "b" + links++;
        run("ip", "link", "add", tmpA, "type", "veth", "peer", "name", tmpB);
        run("ip", "link", "set", tmpA, "netns", nsA);
        run("ip", "link", "set", tmpB, "netns", nsB);
        run("ip", "netns", "exec", nsA, "ip", "link", "set", tmpA, "name", ifA);
        run("ip", "netns", "exec", nsB, "ip", "link", "set", tmpB, "name", ifB);
    }

    private void up(String ns, String ifname, String cidr) throws IOException, InterruptedException {
        if (cidr != null) {
            run("ip", "netns", "exec", ns, "ip", "addr", "add", cidr, "dev", ifname);
        }
        run("ip", "netns", "exec", ns, "ip", "link", "set", ifname, "up");
    }

    /** A host on the public segment at 10.77.0.{n}. Returns its namespace. */
    String publicHost(String name, int n) throws IOException, InterruptedException {
        String ns = namespace(name);
        String port = "p" + name;
        link(inet, port, ns, "eth0");
        run("ip", "netns", "exec", inet, "ip", "link", "set", port, "master", "br0");
        up(inet, port, null);
        up(ns, "eth0", "10.77.0." + n + "/24");
        return ns;
    }

    /** A NAT router at 10.77.0.{10+n} with LAN 192.168.{n}.0/24 behind it. Returns its namespace. */
    String nat(String name, int n, boolean symmetric) throws IOException, InterruptedException {
        String ns = publicHost(name, 10 + n);
        run("ip", "netns", "exec", ns, "ip", "link", "add", "lan", "type", "bridge");
        up(ns, "lan", "192.168." + n + ".1/24");
        run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        List<String> masq = new ArrayList<>(List.of("ip", "netns", "exec", ns, "iptables", "-t", "nat", "-A", "POSTROUTING",
                "-o", "eth0", "-j", "MASQUERADE"));
        if (symmetric) {
            masq.add("--random-fully");
        }
        run(masq.toArray(String[]::new));
        run("ip", "netns", "exec", ns, "iptables", "-A", "INPUT", "-i", "eth0", "-m", "conntrack", "--ctstate", "NEW",
                "-j", "DROP");
        return ns;
    }

    /** A host 192.168.{n}.{host} behind the NAT router of LAN n. Returns its namespace. */
    String privateHost(String name, String natNs, int n, int host) throws IOException, InterruptedException {
        String ns = namespace(name);
        String port = "h" + name;
        link(natNs, port, ns, "eth0");
        run("ip", "netns", "exec", natNs, "ip", "link", "set", port, "master", "lan");
        up(natNs, port, null);
        up(ns, "eth0", "192.168." + n + "." + host + "/24");
        run("ip", "netns", "exec", ns, "ip", "route", "add", "default", "via", "192.168." + n + ".1");
        return ns;
    }

    /** Bytes received so far on a namespace's interface. */
    long rxBytes(String ns, String ifname) throws IOException, InterruptedException {
        return Long.parseLong(run("ip", "netns", "exec", ns, "cat", "/sys/class/net/" + ifname + "/statistics/rx_bytes").trim());
    }

    /** A command line that runs inside a namespace. */
    static List<String> in(String ns, List<String> command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(command);
        return c;
    }

    /** Removes every namespace (and with them their interfaces, routes and rules). */
    @Override
    public synchronized void close() {
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            try {
                run("ip", "netns", "del", namespaces.get(i));
            } catch (IOException | InterruptedException e) {
                System.err.println("could not remove namespace " + namespaces.get(i) + ": " + e.getMessage());
            }
        }
        namespaces.clear();
    }

    static boolean hasCommand(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", name)) || Files.isExecutable(Path.of("/sbin", name));
    }
}
