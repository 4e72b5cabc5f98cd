package org.nimbus.it.tc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nimbus.conformance.client.ConnectOptions;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.tc.AmfObject;
import org.nimbus.conformance.tc.Command;
import org.nimbus.conformance.tc.ConnectStyle;
import org.nimbus.conformance.tc.NetConnection;
import org.nimbus.it.Red5Install;

/**
 * Developer keys in the assembled install (tc.keys and tc.keys_file), as Cirrus apps present them:
 * rtmfp://host/KEY, or the first connect argument; the file is read again when the JMX operation
 * asks (or when it changes); counters per key in JMX.
 */
class ConnectKeysIT {
    private static final Duration T = Duration.ofSeconds(15);
    private static Red5Install red5;
    private static int jmxPort;

    @BeforeAll
    static void start() throws Exception {
        red5 = Red5Install.copy(Map.of("tc.keys", "prop-key-1", "tc.keys_file", "nimbus-keys.txt"));
        Files.writeString(red5.home.resolve("conf/nimbus-keys.txt"), "# keys of the apps we host\nfile-key-1\n");
        jmxPort = Red5Install.freeTcpPort();
        red5.javaOpts(Red5Install.jmxOpts(jmxPort)).start();
        red5.awaitLine(Pattern.compile("Nimbus .* started: RTMFP"), Duration.ofSeconds(90));
        // the applications exist once Tomcat has started them
        red5.awaitHttp(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() throws Exception {
        if (red5 != null) {
            red5.close();
        }
    }

    /** A connect to rtmfp://127.0.0.1:port/PATH with the given extra arguments: its reply. */
    private static Command connect(String path, List<Object> args) throws Exception {
        String uri = "rtmfp://127.0.0.1:" + red5.rtmfpPort + "/" + path;
        try (RtmfpClient client = new RtmfpClient()) {
            Session s = client.connect(uri, ConnectOptions.defaults());
            NetConnection nc = new NetConnection(s);
            Command c = ConnectStyle.FLASH.connect(path, uri);
            List<Object> all = new java.util.ArrayList<>(c.args());
            all.addAll(args);
            Command withArgs = new Command(c.name(), c.transactionId(), all);
            nc.send(withArgs);
            return nc.awaitReply(withArgs.transactionId(), T);
        }
    }

    private static String code(Command reply) {
        AmfObject info = reply.infoObject();
        return info == null ? reply.toString() : info.string("code");
    }

    @Test
    void listedKeysInThePathOrTheFirstArgumentConnectOthersAreRejected() throws Exception {
        assertEquals("NetConnection.Connect.Success", code(connect("prop-key-1", List.of())), "a tc.keys key as the path");
        assertEquals("NetConnection.Connect.Success", code(connect("file-key-1/room", List.of())), "a file key as the path");
        assertEquals("NetConnection.Connect.Success", code(connect("nimbus", List.of("prop-key-1"))), "as the first argument");
        Command stolen = connect("stolen-key", List.of());
        assertEquals("NetConnection.Connect.Rejected", code(stolen));
        assertEquals("developer key 'stolen-key' is not admitted on this server", stolen.infoObject().string("description"));
        Command none = connect("nimbus", List.of());
        assertEquals("NetConnection.Connect.Rejected", code(none), "an app path and no key argument");
    }

    @Test
    void theKeyFileIsReadAgainWithoutARestartAndKeysAreCountedInJmx() throws Exception {
        assertEquals("NetConnection.Connect.Rejected", code(connect("later-key", List.of())));
        Files.writeString(red5.home.resolve("conf/nimbus-keys.txt"), "file-key-1\nlater-key   # added while running\n");
        try (JMXConnector jmx = JMXConnectorFactory.connect(new JMXServiceURL(
                "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi"))) {
            MBeanServerConnection mbs = jmx.getMBeanServerConnection();
            ObjectName keys = new ObjectName("org.nimbus:type=Keys");
            assertEquals(3, mbs.invoke(keys, "reload", null, null), "prop-key-1, file-key-1, later-key");
            assertEquals("NetConnection.Connect.Success", code(connect("later-key", List.of())));
            Map<String, Long> counters = new java.util.HashMap<>();
            for (Object row : ((TabularData) mbs.getAttribute(keys, "Counters")).values()) {
                CompositeData d = (CompositeData) row;
                counters.put((String) d.get("key"), (Long) d.get("value"));
            }
            assertTrue(counters.getOrDefault("accepted.later-key", 0L) >= 1, counters.toString());
            assertTrue(counters.getOrDefault("refused.(unlisted)", 0L) >= 1, counters.toString());
        }
    }
}
