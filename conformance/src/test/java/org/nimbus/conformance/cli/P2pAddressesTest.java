package org.nimbus.conformance.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What the P2p tool announces with setPeerInfo: every usable address of this host, in Flash's form. */
class P2pAddressesTest {
    @Test
    void everyGlobalAddressIsAnnouncedInFlashFormAndLinkLocalOnesAreNot() throws Exception {
        List<String> announced = P2p.localAddresses(4321);
        for (String a : announced) {
            assertTrue(a.matches("\\d+\\.\\d+\\.\\d+\\.\\d+:4321|\\[[0-9a-f:]+\\]:4321"), a);
            assertTrue(!a.startsWith("127.") && !a.equals("[::1]:4321") && !a.startsWith("[fe80:"), a);
        }
        // iproute2 is the independent witness of what the host has (./nimbus test installs it).
        for (String family : List.of("-4", "-6")) {
            Matcher m = Pattern.compile("inet6? ([0-9a-f.:]+)/").matcher(ip(family, "addr", "show", "scope", "global"));
            while (m.find()) {
                String address = m.group(1);
                String expected = family.equals("-4") ? address + ":4321" : "[" + address + "]:4321";
                assertTrue(announced.contains(expected), expected + " missing from " + announced);
            }
        }
    }

    @Test
    void ipv6TextIsTheCanonicalFormOfRfc5952() throws Exception {
        // RFC 5952 §4's own examples
        assertEquals("2001:db8::1", text("2001:0db8:0000:0000:0000:0000:0000:0001"));
        assertEquals("2001:db8:0:1:1:1:1:1", text("2001:db8:0:1:1:1:1:1"), "one zero group stays (§4.2.2)");
        assertEquals("2001:0:0:1::1", text("2001:0:0:1:0:0:0:1"), "the longest run (§4.2.3)");
        assertEquals("2001:db8::1:0:0:1", text("2001:db8:0:0:1:0:0:1"), "the first of equal runs (§4.2.3)");
        assertEquals("::1", text("0:0:0:0:0:0:0:1"));
        assertEquals("fd00::2", text("fd00:0:0:0:0:0:0:2"));
        assertEquals("::", text("0:0:0:0:0:0:0:0"));
        assertEquals("1::", text("1:0:0:0:0:0:0:0"));
    }

    private static String text(String v6) throws Exception {
        return P2p.rfc5952((java.net.Inet6Address) java.net.InetAddress.getByName(v6));
    }

    private static String ip(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = "ip";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor() == 0, String.join(" ", command) + ": " + out);
        return out;
    }
}
