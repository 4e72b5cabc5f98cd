package org.nimbus.red5;

import org.nimbus.config.BindAddresses;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.nimbus.config.NimbusConfig;
import org.nimbus.config.RegistrySettings;
import org.nimbus.config.WebRtcSettings;
import org.nimbus.registry.AccountTokens;
import org.nimbus.registry.GuestNames;
import org.nimbus.registry.InMemoryRegistryStore;
import org.nimbus.registry.PolicyFile;
import org.nimbus.registry.RegistryProtocol;
import org.nimbus.registry.RegistryService;
import org.nimbus.registry.RegistryStats;
import org.nimbus.transport.registry.PolicyServer;
import org.nimbus.transport.registry.RegistryTcpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops the registry inside Red5: the service, its TCP and (optional) port-843
 * endpoints, the once-a-second sweep (keepalive and frame timeouts), the minute's log line and
 * the JMX bean. Web apps start after the plugin, so they reach the running registry through
 * {@link #current()}: the nimbus web app serves its WebSocket (RegistryWebSocketListener, and
 * RegistryWebSocketPortListener for {@code registry.ws.bind}) and {@link #attach}es it here, so
 * that {@link #close()} ends those connections and ports too. An endpoint that cannot bind is
 * logged and skipped; the rest runs.
 */
public final class RegistryLauncher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RegistryLauncher.class);
    public static final String JMX_NAME = "org.nimbus:type=Registry";
    static final long WEB_SOCKET_PORT_GRACE_SECONDS = 120;
    private static volatile RegistryLauncher current;

    private final RegistryService service;
    private final AccountTokens tokens;
    private final NetConnectionRegistry netConnections;
    /** What the byte-stream transports speak (TCP here, WebSocket in the nimbus web app). */
    private final RegistryProtocol protocol;
    private final List<AutoCloseable> endpoints = new ArrayList<>();
    /** registry.ws.bind: the separate WebSocket port, until the web app takes it. */
    private List<InetSocketAddress> webSocketPort;
    private boolean closed;
    private final ScheduledExecutorService timer;
    private ObjectName jmxName;
    private Thread shutdownHook;
    /** The message store (offline delivery), or null when it could not be opened. */
    private final MailboxLauncher mailbox;

    private RegistryLauncher(NimbusConfig config) {
        String secret = config.get(RegistrySettings.SECRET);
        if (secret.isEmpty()) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            secret = HexFormat.of().formatHex(random);
            log.warn("registry.secret is empty: using a random secret generated at start; account tokens minted"
                    + " elsewhere will be refused and tokens do not survive a restart");
        }
        tokens = new AccountTokens(secret.getBytes(StandardCharsets.UTF_8));
        service = new RegistryService(new InMemoryRegistryStore(), tokens, new GuestNames(new SecureRandom()),
                Clock.systemUTC(), RegistrySettings.limits(config));
        service.webrtc(WebRtcSettings.webrtc(config));
        mailbox = MailboxLauncher.open(config, java.nio.file.Path.of(System.getProperty("red5.root", ".")));
        netConnections = new NetConnectionRegistry(new RegistryProtocol(service, mailbox == null ? null : mailbox.mailbox));
        protocol = new RegistryProtocol(service, mailbox == null ? null : mailbox.mailbox);
        webSocketPort = config.get(RegistrySettings.WS_BIND);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nimbus-registry-timer");
            t.setDaemon(true);
            return t;
        });
    }

    /** The running registry, or null when it is not started (web apps and the demo servlet ask here). */
    public static RegistryLauncher current() {
        return current;
    }

    public static synchronized RegistryLauncher start(NimbusConfig config) {
        RegistryLauncher l = new RegistryLauncher(config);
        l.bind(config);
        l.timer.scheduleWithFixedDelay(l::sweep, 1, 1, TimeUnit.SECONDS);
        l.timer.scheduleAtFixedRate(() -> log.info(l.service.stats().logLine()), 1, 1, TimeUnit.MINUTES);
        if (l.mailbox != null) {
            l.timer.scheduleAtFixedRate(l.mailbox::expire, 1, 60, TimeUnit.MINUTES);
        }
        // registry.ws.bind is served by the nimbus web app (its META-INF/context.xml): say so if none took it
        l.timer.schedule(l::warnIfWebSocketPortUnserved, WEB_SOCKET_PORT_GRACE_SECONDS, TimeUnit.SECONDS);
        l.registerMBean();
        // SIGTERM ends Red5 without doStop: release the registry's ports from a hook too.
        l.shutdownHook = new Thread(l::close, "nimbus-registry-shutdown");
        Runtime.getRuntime().addShutdownHook(l.shutdownHook);
        current = l;
        return l;
    }

    private void bind(NimbusConfig config) {
        List<InetSocketAddress> tcp = config.get(RegistrySettings.TCP_BIND);
        List<Integer> ports = tcp.stream().map(InetSocketAddress::getPort).toList();
        byte[] policy = PolicyFile.answer(ports.isEmpty() ? List.of(0) : ports);
        List<String> on = new ArrayList<>();
        if (!tcp.isEmpty()) {
            RegistryTcpServer server = new RegistryTcpServer(protocol, policy);
            try {
                server.bind(tcp);
                endpoints.add(server);
                on.add("tcp " + BindAddresses.describe(tcp));
            } catch (IOException e) {
                server.close();
                log.error("Nimbus registry: TCP disabled, {} (set registry.tcp.bind)", e.getMessage());
            }
        }
        if (config.get(RegistrySettings.POLICY_843)) {
            PolicyServer p = new PolicyServer(policy, config.get(RegistrySettings.FRAME_TIMEOUT));
            try {
                p.bind(new InetSocketAddress(843));
                endpoints.add(p);
                on.add("policy tcp *:843");
            } catch (IOException e) {
                p.close();
                log.error("Nimbus registry: {} (port 843 needs privileges; or set registry.policy843.enabled=false)",
                        e.getMessage());
            }
        }
        log.info("Nimbus registry started: {}; NetConnection calls on the nimbus app", on.isEmpty() ? "no socket endpoint" : String.join(", ", on));
    }

    private void sweep() {
        try {
            service.sweep();
        } catch (RuntimeException e) {
            // the timer thread must survive whatever a connection does
            log.warn("registry sweep failed", e);
        }
    }

    private void registerMBean() {
        RegistryMXBean bean = new RegistryMXBean() {
            @Override public int getAccounts() { return service.stats().accounts(); }
            @Override public int getGuests() { return service.stats().guests(); }
            @Override public int getConnections() { return service.stats().connections(); }
            @Override public int getRegistrations() { return service.stats().registrations(); }
            @Override public long getLookups() { return service.stats().lookups(); }
            @Override public long getRelayedMessages() { return service.stats().relayedMessages(); }
            @Override public long getErrors() { return service.stats().errors(); }
            @Override public long getAcceptsRefused() { return service.acceptRate().refused(); }
            @Override public int forgetAccount(String account) {
                return mailbox == null ? -1 : mailbox.mailbox.forgetAccount(account);
            }
        };
        jmxName = Jmx.register(JMX_NAME, RegistryMXBean.class, bean);
    }

    /** The protocol of the byte-stream transports (TCP, WebSocket), over this registry's service. */
    public RegistryProtocol protocol() {
        return protocol;
    }

    /**
     * The addresses of registry.ws.bind for the one caller that serves them (empty when unset);
     * later calls get an empty list, so a web app started twice never binds them twice.
     */
    public synchronized List<InetSocketAddress> takeWebSocketPort() {
        List<InetSocketAddress> a = webSocketPort;
        webSocketPort = List.of();
        return a;
    }

    private synchronized void warnIfWebSocketPortUnserved() {
        if (!webSocketPort.isEmpty()) {
            log.warn("registry.ws.bind={} is not served: the nimbus web app did not start it within {} s (is webapps/nimbus"
                    + " there, with its META-INF/context.xml?)", BindAddresses.describe(webSocketPort), WEB_SOCKET_PORT_GRACE_SECONDS);
        }
    }

    /** An endpoint served elsewhere (the web app's WebSocket) that {@link #close()} must end too; closed at once if this is. */
    public void attach(AutoCloseable endpoint) {
        synchronized (this) {
            if (!closed) {
                endpoints.add(endpoint);
                return;
            }
        }
        closeQuietly(endpoint);
    }

    public RegistryService service() {
        return service;
    }

    public AccountTokens tokens() {
        return tokens;
    }

    public NetConnectionRegistry netConnections() {
        return netConnections;
    }

    public RegistryStats stats() {
        return service.stats();
    }

    /** Releases every port; safe to call twice (doStop and the shutdown hook). */
    @Override
    public synchronized void close() {
        closed = true;
        if (current == this) {
            current = null;
        }
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook runs (or ran) close itself
            }
        }
        timer.shutdownNow();
        for (AutoCloseable e : endpoints) {
            closeQuietly(e);
        }
        endpoints.clear();
        if (mailbox != null) {
            mailbox.close();
        }
        Jmx.unregister(jmxName);
        jmxName = null;
    }

    private static void closeQuietly(AutoCloseable e) {
        try {
            e.close();
        } catch (Exception ex) {
            log.warn("closing a registry endpoint: {}", ex.toString());
        }
    }
}
