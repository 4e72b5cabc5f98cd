package org.nimbus.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class NimbusConfigTest {

    private static NimbusConfig of(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return NimbusConfig.from(p);
    }

    @Test
    void demoTokensAreOffByDefaultAndTheFileSaysWhetherItSetTheKey() {
        NimbusConfig none = NimbusConfig.defaults();
        assertFalse(none.get(RegistrySettings.DEMO_TOKENS));
        assertFalse(none.isSet(RegistrySettings.DEMO_TOKENS));
        NimbusConfig on = of("registry.demo_tokens", "true");
        assertTrue(on.get(RegistrySettings.DEMO_TOKENS));
        assertTrue(on.isSet(RegistrySettings.DEMO_TOKENS));
        assertFalse(on.isSet(RegistrySettings.SECRET));
        ConfigException bad = assertThrows(ConfigException.class, () -> of("registry.demo_tokens", "yes"));
        assertTrue(bad.getMessage().contains("'registry.demo_tokens'"), bad.getMessage());
    }

    @Test
    void defaultIsDualStackWildcardOnRtmfpPort() {
        List<InetSocketAddress> bind = NimbusConfig.defaults().get(NimbusConfig.RTMFP_BIND);
        assertEquals(1, bind.size());
        assertTrue(bind.get(0).getAddress().isAnyLocalAddress());
        assertEquals(1935, bind.get(0).getPort());
    }

    @Test
    void parsesIpv4Ipv6AndWildcardLists() {
        List<InetSocketAddress> bind = of("rtmfp.bind", "127.0.0.1:1935, [::1]:1936,*:1937").get(NimbusConfig.RTMFP_BIND);
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 1935), new InetSocketAddress("::1", 1936),
                new InetSocketAddress(1937)), bind);
    }

    @Test
    void badValueNamesKeyAndAcceptedValues() {
        for (String bad : new String[] {"", "1935", "127.0.0.1:", "127.0.0.1:70000", "127.0.0.1:0", "::1:1935", "example.com:1935", "1.2.3:1"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> of("rtmfp.bind", bad), bad);
            assertTrue(e.getMessage().contains("'rtmfp.bind'") && e.getMessage().contains("accepted:"), e.getMessage());
        }
    }

    @Test
    void theRegistryAcceptRateIsPerIpWithZeroForOff() {
        assertEquals(64, RegistrySettings.limits(of()).acceptRatePerIp());
        assertEquals(0, RegistrySettings.limits(of("registry.accept_rate_per_ip", "0")).acceptRatePerIp());
        ConfigException e = assertThrows(ConfigException.class, () -> of("registry.accept_rate_per_ip", "-1"));
        assertTrue(e.getMessage().contains("'registry.accept_rate_per_ip'"), e.getMessage());
    }

    @Test
    void unknownKeyIsReported() {
        ConfigException e = assertThrows(ConfigException.class, () -> of("rtmfp.bnid", "*:1935"));
        assertTrue(e.getMessage().contains("rtmfp.bnid"), e.getMessage());
    }

    @Test
    void receiveBudgetsMustHoldAFlowBufferAndASessionBudget() {
        var session = NimbusConfig.defaults().sessionConfig();
        assertEquals(4L << 20, session.sessionRecvBuffer());
        assertEquals(256L << 20, session.totalRecvBuffer());
        ConfigException small = assertThrows(ConfigException.class,
                () -> of("rtmfp.flow_buffer_bytes", "65536", "rtmfp.session_buffer_bytes", "32768"));
        assertTrue(small.getMessage().contains("'rtmfp.session_buffer_bytes'"), small.getMessage());
        ConfigException total = assertThrows(ConfigException.class,
                () -> of("rtmfp.flow_buffer_bytes", "16384", "rtmfp.session_buffer_bytes", "65536",
                        "rtmfp.receive_buffer_total_bytes", "32768"));
        assertTrue(total.getMessage().contains("'rtmfp.receive_buffer_total_bytes'"), total.getMessage());
        var big = of("rtmfp.receive_buffer_total_bytes", "8589934592").sessionConfig();
        assertEquals(8L << 30, big.totalRecvBuffer());
    }

    @Test
    void shippedFileIsValidAndEveryKeyIsInTheReadme() throws Exception {
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        NimbusConfig.load(root.resolve("conf/nimbus.properties"));
        String readme = Files.readString(root.resolve("README.md"));
        for (Setting<?> s : NimbusConfig.SETTINGS) {
            String table = readme.substring(readme.indexOf("## Configuration"));
            table = table.substring(0, table.indexOf("\n\n", table.indexOf("| key |")));
            assertTrue(table.contains("\n| `" + s.key() + "` | "), "README's configuration table has a row for " + s.key());
            String shipped = Files.readString(root.resolve("conf/nimbus.properties"));
            assertTrue(shipped.contains(s.key() + "="), "conf/nimbus.properties lists " + s.key());
        }
    }
}
