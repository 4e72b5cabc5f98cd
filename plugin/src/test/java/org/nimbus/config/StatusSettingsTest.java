package org.nimbus.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class StatusSettingsTest {
    @Test
    void allowListMatchesAddressesAndBlocks() throws Exception {
        List<StatusSettings.Cidr> l = StatusSettings.cidrs("10.0.0.0/8, 192.168.1.5,::1,2001:db8::/32");
        assertTrue(l.get(0).contains(InetAddress.getByName("10.200.3.4")));
        assertFalse(l.get(0).contains(InetAddress.getByName("11.0.0.1")));
        assertTrue(l.get(1).contains(InetAddress.getByName("192.168.1.5")));
        assertFalse(l.get(1).contains(InetAddress.getByName("192.168.1.6")));
        assertTrue(l.get(2).contains(InetAddress.getByName("::1")));
        assertFalse(l.get(2).contains(InetAddress.getByName("127.0.0.1")));
        assertTrue(l.get(3).contains(InetAddress.getByName("2001:db8:ffff::1")));
        assertFalse(l.get(3).contains(InetAddress.getByName("2001:db9::1")));
    }

    @Test
    void badValuesNameTheKey() {
        for (String[] kv : new String[][] {{"status.allow", "example.com"}, {"status.allow", "10.0.0.0/33"},
            {"status.access", "maybe"}, {"status.user", "a:b"}}) {
            Properties p = new Properties();
            p.setProperty(kv[0], kv[1]);
            ConfigException e = assertThrows(ConfigException.class, () -> NimbusConfig.from(p));
            assertTrue(e.getMessage().contains(kv[0]), e.getMessage());
        }
    }

    @Test
    void offByDefaultAndInTheShippedFile() throws Exception {
        assertEquals(StatusSettings.Access.OFF, NimbusConfig.defaults().get(StatusSettings.ACCESS));
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        assertEquals(StatusSettings.Access.OFF, NimbusConfig.load(root.resolve("conf/nimbus.properties")).get(StatusSettings.ACCESS));
        assertTrue(Files.readString(root.resolve("conf/nimbus.properties")).contains("\nstatus.access=off\n"),
                "the antrun of plugin/pom.xml flips this very line for the demo install");
    }
}
