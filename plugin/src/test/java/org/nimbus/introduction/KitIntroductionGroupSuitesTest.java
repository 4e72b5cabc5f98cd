package org.nimbus.introduction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nimbus.conformance.cli.Main;
import org.nimbus.group.GroupService;
import org.nimbus.rtmfp.session.FlowDispatcher;
import org.nimbus.rtmfp.session.SessionConfig;
import org.nimbus.transport.RtmfpServer;

/** The kit's introduction and group suites, as an operator runs them, against the server over loopback UDP. */
class KitIntroductionGroupSuitesTest {
    @Test
    void everyIntroductionAndGroupCasePasses(@TempDir Path dir) throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = probe.getLocalPort();
        }
        PeerDirectory peers = new PeerDirectory();
        FlowDispatcher flows = new FlowDispatcher();
        try (RtmfpServer server = new RtmfpServer(SessionConfig.defaults(), flows)) {
            flows.add(peers).add(new GroupService(server.endpoint(), server.loop()::now));
            IntroductionService.install(server.endpoint(), peers, IntroductionLimits.defaults());
            server.start(List.of(new InetSocketAddress("127.0.0.1", port)));
            Path report = dir.resolve("report.xml");
            int code = Main.run("rtmfp://127.0.0.1:" + port + "/nimbus", "--suite", "introduction,group",
                    "--timeout", "3000", "--junit", report.toString());
            String xml = Files.readString(report);
            assertEquals(0, code, xml);
            assertTrue(xml.contains("tests=\"5\"") && xml.contains("failures=\"0\""), xml);
        }
    }
}
