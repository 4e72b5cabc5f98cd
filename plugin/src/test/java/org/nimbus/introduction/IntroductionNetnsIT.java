package org.nimbus.introduction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Introductions across NATs, on hosts made of network namespaces (see {@link NetnsLab}): the
 * rendezvous server on the public segment at 10.77.0.1; behind port-restricted cone NAT 1
 * (10.77.0.11) hosts 192.168.1.11 and .12; behind cone NAT 2 (10.77.0.12) host 192.168.2.11;
 * behind symmetric NAT 3 (10.77.0.13) host 192.168.3.11. Each peer is a kit process
 * ({@code P2p}) on its host. Needs root, iproute2 and iptables, as CI has; where namespaces are
 * refused the test fails and says so: it never passes by skipping.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IntroductionNetnsIT {
    private static final Duration T = Duration.ofSeconds(60);
    private static final String URI = "rtmfp://10.77.0.1:1935/nimbus";
    private static final Pattern PEER = Pattern.compile("^PEER ([0-9a-f]{64})");

    private NetnsLab lab;
    private String serverNs;
    private String nat1;
    private String nat2;
    private String nat3;
    private LineProcess server;
    private final List<LineProcess> peers = new ArrayList<>();

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
        nat1 = lab.nat("nat1", 1, false);
        nat2 = lab.nat("nat2", 2, false);
        nat3 = lab.nat("nat3", 3, true);
        server = new LineProcess("server", NetnsLab.in(serverNs, NetnsLab.java("org.nimbus.introduction.RendezvousTestServer", "10.77.0.1:1935")));
        server.await(Pattern.compile("^READY"), T);
    }

    @AfterAll
    void tearDown() {
        peers.forEach(LineProcess::close);
        if (server != null) {
            server.close();
        }
        if (lab != null) {
            lab.close();
        }
    }


    private LineProcess peer(String name, String ns, String... args) throws IOException {
        List<String> a = new ArrayList<>(List.of(args));
        LineProcess p = new LineProcess(name, NetnsLab.in(ns, NetnsLab.java("org.nimbus.conformance.cli.P2p", a.toArray(String[]::new))));
        peers.add(p);
        return p;
    }

    private record Outcome(String redirect, String direct, int exit, List<String> initiatorOutput) {
    }

    /** Starts the target, then the initiator naming it; waits for both to finish. */
    private Outcome introduce(String targetNs, String initiatorNs, String tag) throws Exception {
        try (LineProcess target = peer("target-" + tag, targetNs, "target", URI)) {
            String targetId = target.await(PEER, T).group(1);
            try (LineProcess initiator = peer("initiator-" + tag, initiatorNs, "initiator", URI, targetId)) {
                initiator.await(PEER, T);
                String redirect = initiator.await(Pattern.compile("^REDIRECT ?(.*)$"), T).group(1);
                int exit = initiator.awaitExit(T);
                String direct = initiator.output().stream().filter(l -> l.startsWith("DIRECT ")).findFirst().orElse(null);
                if (exit == 0) {
                    target.await(Pattern.compile("^ECHOED "), T);
                    assertTrue(initiator.output().stream().anyMatch(l -> l.startsWith("ECHO_OK ")), initiator.output().toString());
                    assertEquals(0, target.awaitExit(T), "target exit; output " + target.output());
                }
                System.out.println(tag + " initiator: " + String.join(" | ", initiator.output()));
                System.out.println(tag + " target: " + String.join(" | ", target.output()));
                return new Outcome(redirect, direct, exit, initiator.output());
            }
        }
    }

    private long serverRx() throws Exception {
        return lab.rxBytes(serverNs, "eth0");
    }

    @Test
    void twoPeersBehindTheirOwnConeNatsTalkDirectly() throws Exception {
        String a = lab.privateHost("a1", nat1, 1, 11);
        String b = lab.privateHost("b2", nat2, 2, 11);
        long before = serverRx();
        Outcome o = introduce(b, a, "cone");
        long carried = serverRx() - before;
        System.out.println("cone: the server received " + carried + " bytes during the introduction and the P2P exchange");
        assertEquals(0, o.exit(), o.initiatorOutput().toString());
        // B is known by its public (observed) address first, then its private one.
        assertTrue(o.redirect().matches("/10\\.77\\.0\\.12:\\d+/2 /192\\.168\\.2\\.11:\\d+/1"), o.redirect());
        // The direct session runs to B's NAT, not through the server.
        assertTrue(o.direct().startsWith("DIRECT /10.77.0.12:"), o.direct());
        // 200 kB each way went peer to peer; the server saw only the handshakes and TC setup.
        assertTrue(carried < 40_000, "server received " + carried + " bytes during a 400 kB P2P exchange");
    }

    @Test
    void twoPeersBehindTheSameNatUseTheirPrivateAddresses() throws Exception {
        String a = lab.privateHost("a3", nat1, 1, 13);
        String b = lab.privateHost("b4", nat1, 1, 14);
        Outcome o = introduce(b, a, "samenat");
        assertEquals(0, o.exit(), o.initiatorOutput().toString());
        assertTrue(o.redirect().matches("/192\\.168\\.1\\.14:\\d+/1 /10\\.77\\.0\\.11:\\d+/2"), "private first: " + o.redirect());
        assertTrue(o.direct().startsWith("DIRECT /192.168.1.14:"), o.direct());
    }

    @Test
    void aPeerBehindASymmetricNatIsReportedAsAFailedConnection() throws Exception {
        String a = lab.privateHost("a5", nat1, 1, 15);
        String b = lab.privateHost("b6", nat3, 3, 11);
        long t0 = System.nanoTime();
        Outcome o = introduce(b, a, "symmetric");
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        assertEquals(3, o.exit(), "exit 3 = no direct session; output " + o.initiatorOutput());
        assertTrue(o.initiatorOutput().stream().anyMatch(l -> l.startsWith("FAILED no direct session")), o.initiatorOutput().toString());
        assertTrue(o.redirect().matches("/10\\.77\\.0\\.13:\\d+/2 /192\\.168\\.3\\.11:\\d+/1"), o.redirect());
        assertTrue(seconds < 40, "failure reported after " + seconds + " s");
    }
}
