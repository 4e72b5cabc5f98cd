package org.nimbus.introduction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The connectivity check ({@code rtmfp://host/conncheck}, issue 14 item 3) across NATs of each
 * kind, on hosts made of network namespaces ({@link NetnsLab}). The server has three addresses on
 * the public segment, 10.77.0.1 (RTMFP on 1935, the other port 19350), 10.77.0.2 (19351, the
 * other address) and 10.77.0.3 (19352, the introduction's reply address), as the reference
 * conncheck needs. Kit clients ({@code cli.ConnCheck}, a process on its host) run the check:
 * <ul>
 * <li>on the public segment itself (no NAT, 10.77.0.20);
 * <li>behind a full-cone NAT (1:1: the router 10.77.0.14 masquerades its one host's traffic
 *     and forwards every inbound datagram to it, whoever sends it);
 * <li>behind a port-restricted cone NAT (plain MASQUERADE: Linux conntrack admits only replies
 *     from the exact address and port a mapping was made for; the source port is kept);
 * <li>behind a symmetric NAT (MASQUERADE --random-fully: a new random port per destination).
 * </ul>
 * Needs root, iproute2 and iptables; where namespaces are refused the test fails and says so.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnCheckNetnsIT {
    private static final Duration T = Duration.ofSeconds(60);
    private static final String URI = "rtmfp://10.77.0.1:1935/";
    private static final Pattern FIELD = Pattern.compile("^CONNCHECK (\\w+)=(.*)$");

    private NetnsLab lab;
    private String serverNs;
    private LineProcess server;
    private final List<LineProcess> clients = new ArrayList<>();

    @BeforeAll
    void buildTheNetwork() throws Exception {
        for (String tool : List.of("ip", "iptables")) {
            assertTrue(NetnsLab.hasCommand(tool), tool + " is missing: apt-get install -y iproute2 iptables");
        }
        try {
            lab = new NetnsLab();
        } catch (IOException e) {
            fail("network namespaces refused (this test needs root and CAP_NET_ADMIN, as CI has): " + e.getMessage());
        }
        serverNs = lab.publicHost("srv", 1);
        NetnsLab.run("ip", "netns", "exec", serverNs, "ip", "addr", "add", "10.77.0.2/24", "dev", "eth0");
        NetnsLab.run("ip", "netns", "exec", serverNs, "ip", "addr", "add", "10.77.0.3/24", "dev", "eth0");
        server = new LineProcess("server", NetnsLab.in(serverNs, NetnsLab.java("org.nimbus.introduction.RendezvousTestServer",
                "10.77.0.1:1935", "--conncheck", "10.77.0.1:19350", "10.77.0.2:19351", "10.77.0.3:19352")));
        server.await(Pattern.compile("^READY .* conncheck "), T);
    }

    @AfterAll
    void tearDown() {
        clients.forEach(LineProcess::close);
        if (server != null) {
            server.close();
        }
        if (lab != null) {
            lab.close();
        }
    }


    /** Runs the kit's check on a host; its result fields by name (values as printed). */
    private Map<String, String> check(String ns, String tag) throws Exception {
        LineProcess p = new LineProcess("conncheck-" + tag, NetnsLab.in(ns, NetnsLab.java("org.nimbus.conformance.cli.ConnCheck", URI)));
        clients.add(p);
        int exit = p.awaitExit(T);
        System.out.println(tag + ": " + String.join(" | ", p.output()));
        assertEquals(0, exit, "kit exit; output " + p.output());
        Map<String, String> f = new LinkedHashMap<>();
        for (String line : p.output()) {
            var m = FIELD.matcher(line);
            if (m.matches()) {
                f.put(m.group(1), m.group(2));
            }
        }
        assertEquals(8, f.size(), "every result field: " + p.output());
        return f;
    }

    private static void expect(Map<String, String> f, String... nameValue) {
        for (int i = 0; i < nameValue.length; i += 2) {
            assertEquals(nameValue[i + 1], f.get(nameValue[i]), nameValue[i] + " in " + f);
        }
    }

    private static String port(String address) {
        return address.substring(address.lastIndexOf(':') + 1);
    }

    @Test
    void aClientWithNoNatIsLetInFromEverywhereAndSeesItsOwnAddress() throws Exception {
        String host = lab.publicHost("open", 20);
        Map<String, String> f = check(host, "no-nat");
        assertTrue(f.get("publicAddress").startsWith("10.77.0.20:"), f.toString());
        expect(f, "publicAddressIsLocal", "true", "publicPortMatchesLocalPort", "true",
                "receiveSameAddressDifferentPortAllowed", "true", "receiveDifferentAddressDifferentPortAllowed", "true",
                "sendAfterIntroductionAllowed", "true", "sendAfterIntroductionPreservesSourceAddress", "true",
                "sendAfterIntroductionPreservesSourcePort", "true");
    }

    @Test
    void aFullConeNatLetsInAnySourceAndKeepsItsMapping() throws Exception {
        String nat = lab.nat("natfc", 4, false);
        String host = lab.privateHost("fc", nat, 4, 11);
        // Full cone (endpoint-independent mapping and filtering): every datagram to the router's
        // public address goes on to its one host.
        NetnsLab.run("ip", "netns", "exec", nat, "iptables", "-t", "nat", "-A", "PREROUTING", "-i", "eth0", "-p", "udp",
                "-j", "DNAT", "--to-destination", "192.168.4.11");
        Map<String, String> f = check(host, "full-cone");
        assertTrue(f.get("publicAddress").startsWith("10.77.0.14:"), f.toString());
        expect(f, "publicAddressIsLocal", "false", "publicPortMatchesLocalPort", "true",
                "receiveSameAddressDifferentPortAllowed", "true", "receiveDifferentAddressDifferentPortAllowed", "true",
                "sendAfterIntroductionAllowed", "true", "sendAfterIntroductionPreservesSourceAddress", "true",
                "sendAfterIntroductionPreservesSourcePort", "true");
    }

    @Test
    void aPortRestrictedConeNatAdmitsOnlyRepliesButKeepsItsPortAfterAnIntroduction() throws Exception {
        String nat = lab.nat("natpr", 5, false);
        String host = lab.privateHost("pr", nat, 5, 11);
        Map<String, String> f = check(host, "port-restricted");
        assertTrue(f.get("publicAddress").startsWith("10.77.0.15:"), f.toString());
        expect(f, "publicAddressIsLocal", "false", "publicPortMatchesLocalPort", "true",
                "receiveSameAddressDifferentPortAllowed", "false", "receiveDifferentAddressDifferentPortAllowed", "false",
                "sendAfterIntroductionAllowed", "true", "sendAfterIntroductionPreservesSourceAddress", "true",
                "sendAfterIntroductionPreservesSourcePort", "true");
    }

    @Test
    void aSymmetricNatIsSeenToChangeItsPortForANewDestination() throws Exception {
        String nat = lab.nat("natsy", 6, true);
        String host = lab.privateHost("sy", nat, 6, 11);
        Map<String, String> f = check(host, "symmetric");
        assertTrue(f.get("publicAddress").startsWith("10.77.0.16:"), f.toString());
        expect(f, "publicAddressIsLocal", "false",
                "receiveSameAddressDifferentPortAllowed", "false", "receiveDifferentAddressDifferentPortAllowed", "false",
                "sendAfterIntroductionAllowed", "true", "sendAfterIntroductionPreservesSourceAddress", "false",
                "sendAfterIntroductionPreservesSourcePort", "false");
        // --random-fully picks the public port at random: it is almost never the host's own.
        List<String> reported = new ArrayList<>();
        for (String line : clients.get(clients.size() - 1).output()) {
            if (line.startsWith("CONNCHECK setPeerInfo ")) {
                reported.add(line);
            }
        }
        assertEquals(1, reported.size());
        assertNotEquals("true", f.get("publicPortMatchesLocalPort"), "random public port " + port(f.get("publicAddress"))
                + " vs " + reported);
    }
}
