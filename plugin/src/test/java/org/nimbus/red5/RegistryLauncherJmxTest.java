package org.nimbus.red5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonObject;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Properties;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.nimbus.config.NimbusConfig;
import org.nimbus.conformance.registry.RegistryConnection;
import org.nimbus.conformance.registry.TcpRegistryConnection;

/** The registry's operator view: the org.nimbus:type=Registry MXBean follows real traffic. */
class RegistryLauncherJmxTest {
    private static final Duration T = Duration.ofSeconds(10);

    @Test
    void countsGuestsRegistrationsAndLookupsInJmx() throws Exception {
        int tcp;
        try (ServerSocket probe = new ServerSocket(0)) {
            tcp = probe.getLocalPort();
        }
        Properties p = new Properties();
        p.setProperty("registry.tcp.bind", "127.0.0.1:" + tcp);
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(RegistryLauncher.JMX_NAME);
        RegistryLauncher registry = RegistryLauncher.start(NimbusConfig.from(p));
        try (RegistryConnection a = new TcpRegistryConnection(new InetSocketAddress("127.0.0.1", tcp), T)) {
            JsonObject hello = RegistryConnection.request("hello");
            hello.addProperty("v", 1);
            hello.addProperty("guest", true);
            String guest = a.call(hello, T).get("name").getAsString();
            a.call(RegistryConnection.request("register", "peerId", "ab".repeat(32)), T);
            a.call(RegistryConnection.request("lookup", "name", guest), T);
            assertEquals(1, mbs.getAttribute(name, "Guests"));
            assertEquals(0, mbs.getAttribute(name, "Accounts"));
            assertEquals(1, mbs.getAttribute(name, "Registrations"));
            assertEquals(1L, mbs.getAttribute(name, "Lookups"));
        } finally {
            registry.close();
        }
        assertFalse(mbs.isRegistered(name));
    }

    @Test
    void aTakenTcpPortDisablesOnlyTcpAndTheWebSocketStillServes() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Properties p = new Properties();
            p.setProperty("registry.tcp.bind", "127.0.0.1:" + taken.getLocalPort());
            RegistryLauncher registry = RegistryLauncher.start(NimbusConfig.from(p));
            try (NimbusWebAppTomcat web = new NimbusWebAppTomcat();
                 RegistryConnection c = new org.nimbus.conformance.registry.WsRegistryConnection(web.registryUri(), T)) {
                JsonObject hello = RegistryConnection.request("hello");
                hello.addProperty("v", 1);
                hello.addProperty("guest", true);
                assertEquals("welcome", c.call(hello, T).get("op").getAsString());
                assertEquals(1, mbsConnections());
            } finally {
                registry.close();
            }
        }
    }

    private static Object mbsConnections() throws Exception {
        return ManagementFactory.getPlatformMBeanServer().getAttribute(new ObjectName(RegistryLauncher.JMX_NAME), "Connections");
    }
}
