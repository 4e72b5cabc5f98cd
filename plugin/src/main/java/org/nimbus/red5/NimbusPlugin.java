package org.nimbus.red5;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.nimbus.config.BindAddresses;
import org.nimbus.config.ConfigException;
import org.nimbus.config.IntroductionSettings;
import org.nimbus.config.NimbusConfig;
import org.nimbus.group.GroupService;
import org.nimbus.introduction.IntroductionService;
import org.nimbus.introduction.PeerDirectory;
import org.nimbus.rtmfp.session.FlowDispatcher;
import org.nimbus.transport.ConnCheckSockets;
import org.nimbus.transport.RtmfpServer;
import org.nimbus.conncheck.ConnCheckService;
import org.nimbus.config.ConnCheckSettings;
import org.red5.server.plugin.Red5Plugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Red5 plugin: loaded by Red5's PluginLauncher from plugins/ (manifest attribute
 * Red5-Plugin-Main-Class). doStart runs on Red5's main thread before any web app exists, so it
 * only reads the configuration and binds the RTMFP socket; it never blocks.
 */
public class NimbusPlugin extends Red5Plugin {
    private static final Logger log = LoggerFactory.getLogger(NimbusPlugin.class);
    public static final String NAME = "nimbus";

    private volatile RtmfpServer rtmfp;
    private volatile ConnCheckSockets conncheck;
    private volatile RtmfpMonitor monitor;
    /** Meters, the status page's history (/nimbus/metrics, /nimbus/status). */
    private volatile Operations operations;
    private volatile Thread shutdownHook;
    /** The user registry (RegistryLauncher holds its wiring and releases its ports itself on SIGTERM). */
    private volatile RegistryLauncher registry;
    /** RTMFP NetConnections in Red5 (the TC layer's bridge). */
    private volatile TcBridge tcBridge;

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public void doStart() throws Exception {
        super.doStart();
        Path confFile = configFile();
        NimbusConfig config;
        try {
            config = NimbusConfig.load(confFile);
        } catch (ConfigException e) {
            log.error("Nimbus not started: {} (file {})", e.getMessage(), confFile);
            throw e;
        }
        try {
            registry = RegistryLauncher.start(config);
        } catch (RuntimeException e) {
            log.error("Nimbus registry not started: {}", e.toString(), e);
        }
        List<InetSocketAddress> wanted = config.get(NimbusConfig.RTMFP_BIND);
        // Upper-layer protocols claim flows by metadata (TC, NetGroup); each registers here.
        FlowDispatcher flows = new FlowDispatcher();
        RtmfpServer server = new RtmfpServer(config.sessionConfig(), flows);
        server.endpoint().responder().limitKeyingsPerSource(config.get(NimbusConfig.RTMFP_SESSIONS_PER_SOURCE));
        // Rendezvous (RFC 7016 §3.5.1.1.2): setPeerInfo fills the directory, IHellos naming a
        // peer are answered from it; NetGroup bootstrap rides on "GC" flows.
        PeerDirectory peers = new PeerDirectory();
        IntroductionService.install(server.endpoint(), peers, IntroductionSettings.limits(config));
        flows.add(peers).add(new GroupService(server.endpoint(), server.loop()::now));
        // NetConnections and NetStreams over RTMFP, as Red5 connections (RFC 7425 §5).
        TcBridge tc = TcBridge.install(flows, config, peers, getServer());
        tcBridge = tc;
        try {
            rtmfp = server.start(wanted);
            tc.start(server);
            conncheck = startConnCheck(config, wanted, server, tc);
            monitor = new RtmfpMonitor(server.endpoint(), tc.keysBean());
            log.info("Nimbus {} started: RTMFP on udp {}", version(), BindAddresses.describe(wanted));
        } catch (IOException e) {
            // Red5 goes on serving RTMP; only RTMFP is unavailable.
            log.error("Nimbus {}: RTMFP disabled, {} (is the port in use? set rtmfp.bind in {})",
                    version(), e.getMessage(), confFile);
            operations = Operations.start(config, null, registry, tc.keysBean(), getServer());
            return;
        }
        operations = Operations.start(config, server, registry, tc.keysBean(), getServer());
        // SIGTERM ends Red5 without calling doStop: release the socket from a hook too.
        Thread hook = new Thread(this::release, "nimbus-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        shutdownHook = hook;
    }

    /**
     * The connectivity check's extra sockets (rtmfp://host/conncheck), or null when not
     * configured or they cannot be bound; then a conncheck connect is refused, saying why.
     */
    private static ConnCheckSockets startConnCheck(NimbusConfig config, List<InetSocketAddress> binds, RtmfpServer server,
                                                   TcBridge tc) {
        int otherPort = config.get(ConnCheckSettings.OTHER_PORT);
        if (otherPort == 0) {
            tc.service().connCheck(ConnCheckService.unavailable(
                    "this server runs no connectivity check (conncheck.other_port is not set)"));
            return null;
        }
        InetSocketAddress other = new InetSocketAddress(binds.get(0).getAddress(), otherPort);
        try {
            ConnCheckSockets s = ConnCheckSockets.start(server, tc.service(), other,
                    config.get(ConnCheckSettings.OTHER_ADDRESS).orElse(null), config.get(ConnCheckSettings.INTRO_ADDRESS).orElse(null),
                    config.get(ConnCheckSettings.MAX_CHECKS));
            log.info("Nimbus connectivity check on udp {} {} {}", other, config.get(ConnCheckSettings.OTHER_ADDRESS).orElse(null),
                    config.get(ConnCheckSettings.INTRO_ADDRESS).orElse(null));
            return s;
        } catch (IOException e) {
            log.error("Nimbus connectivity check disabled: {}", e.getMessage());
            tc.service().connCheck(ConnCheckService.unavailable("this server's connectivity check is unavailable (its sockets could not be bound)"));
            return null;
        }
    }

    /** The bridge of RTMFP NetConnections into Red5 (find a peer's connection through it), or null. */
    public TcBridge tc() {
        return tcBridge;
    }

    /** The running RTMFP server, or null when RTMFP is disabled. */
    public RtmfpServer rtmfp() {
        return rtmfp;
    }

    @Override
    public void doStop() throws Exception {
        RegistryLauncher r = registry;
        if (r != null) {
            registry = null;
            r.close();
        }
        release();
        Thread hook = shutdownHook;
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or has run
            }
        }
        super.doStop();
    }

    private synchronized void release() {
        Operations o = operations;
        if (o != null) {
            operations = null;
            o.close();
        }
        RtmfpMonitor m = monitor;
        if (m != null) {
            monitor = null;
            m.close();
        }
        ConnCheckSockets cc = conncheck;
        if (cc != null) {
            conncheck = null;
            cc.close();
        }
        RtmfpServer t = rtmfp;
        if (t != null) {
            rtmfp = null;
            log.info("Nimbus stopping: closing RTMFP sessions and releasing the socket");
            t.close();
        }
    }

    /**
     * nimbus.properties as a web app's listener reads it when the web app starts; empty, with a
     * warning naming {@code what} goes off, when the file cannot be read or is invalid.
     */
    static java.util.Optional<NimbusConfig> webAppConfig(org.slf4j.Logger caller, String what) {
        try {
            return java.util.Optional.of(NimbusConfig.load(configFile()));
        } catch (IOException | ConfigException e) {
            caller.warn("Nimbus {} off: cannot read {}: {}", what, configFile(), e.getMessage());
            return java.util.Optional.empty();
        }
    }

    static Path configFile() {
        String root = System.getProperty("red5.config_root");
        if (root == null) {
            root = System.getProperty("red5.root", ".") + "/conf";
        }
        return Path.of(root, "nimbus.properties");
    }

    static String version() {
        String v = NimbusPlugin.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
