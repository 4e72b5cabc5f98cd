package org.nimbus.red5;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.nimbus.config.ConfigException;
import org.nimbus.config.NimbusConfig;
import org.nimbus.transport.UdpTransport;
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

    private volatile UdpTransport transport;
    private volatile Thread shutdownHook;
    /** The user registry (RegistryLauncher holds its wiring and releases its ports itself on SIGTERM). */
    private volatile RegistryLauncher registry;
    private final AtomicLong datagramsDropped = new AtomicLong();

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
        UdpTransport udp = new UdpTransport((from, datagram, replies) -> {
            // The RTMFP core is not wired yet: every datagram is dropped and counted.
            datagramsDropped.incrementAndGet();
            return false;
        });
        try {
            udp.bind(wanted);
            transport = udp;
            log.info("Nimbus {} started: RTMFP on udp {}", version(), UdpTransport.describe(wanted));
        } catch (IOException e) {
            udp.close();
            // Red5 goes on serving RTMP; only RTMFP is unavailable.
            log.error("Nimbus {}: RTMFP disabled, {} (is the port in use? set rtmfp.bind in {})",
                    version(), e.getMessage(), confFile);
            return;
        }
        // SIGTERM ends Red5 without calling doStop: release the socket from a hook too.
        Thread hook = new Thread(this::release, "nimbus-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        shutdownHook = hook;
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
        UdpTransport t = transport;
        if (t != null) {
            transport = null;
            log.info("Nimbus stopping: releasing the RTMFP socket");
            t.close();
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
