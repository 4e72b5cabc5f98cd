package org.nimbus.transport.registry;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nimbus.config.NimbusConfig;
import org.nimbus.config.RegistrySettings;
import org.nimbus.registry.AccountTokens;
import org.nimbus.registry.GuestNames;
import org.nimbus.registry.InMemoryRegistryStore;
import org.nimbus.registry.PolicyFile;
import org.nimbus.registry.RegistryProtocol;
import org.nimbus.registry.RegistryService;

class RegistryTcpServerBindTest {
    @Test
    void aTakenPortIsReportedWithTheAddressAndTheOperatingSystemsReason() throws Exception {
        RegistryService service = new RegistryService(new InMemoryRegistryStore(),
                new AccountTokens("s".getBytes(StandardCharsets.UTF_8)), new GuestNames(new SecureRandom()),
                Clock.systemUTC(), RegistrySettings.limits(NimbusConfig.from(new java.util.Properties())));
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             RegistryTcpServer server = new RegistryTcpServer(new RegistryProtocol(service), PolicyFile.answer(List.of(0)))) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", taken.getLocalPort());
            IOException e = assertThrows(IOException.class, () -> server.bind(List.of(address)));
            // MINA alone says "Can't overwrite cause with a null", which tells an operator nothing.
            assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), e.getMessage());
            assertTrue(e.getMessage().contains("Address already in use"), e.getMessage());
        }
    }
}
