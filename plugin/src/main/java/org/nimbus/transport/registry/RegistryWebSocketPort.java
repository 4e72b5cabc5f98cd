package org.nimbus.transport.registry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.websocket.DeploymentException;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Server;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.core.StandardEngine;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.core.StandardService;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;
import org.nimbus.config.BindAddresses;
import org.nimbus.registry.RegistryProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional separate registry WebSocket port ({@code registry.ws.bind}), served by the same
 * Tomcat and the same JSR 356 endpoint as {@code /nimbus/registry}, with no second WebSocket
 * stack. A Tomcat connector serves every context of its service, so the port gets a service of
 * its own in Red5's Tomcat server: one engine, one host, one context holding only the registry
 * endpoint (Tomcat's WsSci initialises JSR 356 for it) at {@code /} (what clients of the former
 * 5081 port use) and at the HTTP port's path; any other request is answered 426 Upgrade Required.
 */
public final class RegistryWebSocketPort implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RegistryWebSocketPort.class);
    /** Name of the Tomcat service and engine (also the JMX domain of their MBeans); later ones get -2, -3... */
    public static final String NAME = "nimbus-registry-ws";
    private static final java.util.concurrent.atomic.AtomicInteger INSTANCES = new java.util.concurrent.atomic.AtomicInteger();
    static final String PROTOCOL = "org.apache.coyote.http11.Http11NioProtocol";

    private final Server server;
    private final StandardService service;
    private final List<InetSocketAddress> bound = new ArrayList<>();
    private final List<String> paths;
    private RegistryWebSocket endpoint;
    private boolean closed;

    private RegistryWebSocketPort(Server server, StandardService service, List<String> paths) {
        this.server = server;
        this.service = service;
        this.paths = paths;
    }

    /**
     * Adds the service to a started Tomcat server and binds each address (one connector each);
     * an address that cannot be bound is logged with the system's reason and skipped. Never call
     * it while the server is starting: Tomcat holds its services lock then (wait for the
     * server's after-start event).
     */
    public static RegistryWebSocketPort start(Server server, List<InetSocketAddress> addresses,
                                              Supplier<RegistryProtocol> protocol, List<String> paths) {
        ClassLoader loader = RegistryWebSocketPort.class.getClassLoader();
        int n = INSTANCES.incrementAndGet();
        String name = n == 1 ? NAME : NAME + "-" + n; // two services of one name would share their MBeans
        StandardService service = new StandardService();
        service.setName(name);
        StandardEngine engine = new StandardEngine();
        engine.setName(name);
        engine.setDefaultHost("localhost");
        engine.setParentClassLoader(loader);
        StandardHost host = new StandardHost();
        host.setName("localhost");
        host.setAutoDeploy(false);
        engine.addChild(host);
        service.setContainer(engine);
        RegistryWebSocketPort port = new RegistryWebSocketPort(server, service, List.copyOf(paths));

        StandardContext context = new StandardContext();
        context.setName("");
        context.setPath("");
        context.setDocBase(null); // no files: an empty resource set
        context.setParentClassLoader(loader);
        context.addLifecycleListener(new Tomcat.FixContextListener()); // configured in code, no web.xml
        // In this order (Tomcat runs initializers in the order added): JSR 356 first, then the endpoint.
        context.addServletContainerInitializer(new WsSci(), null);
        context.addServletContainerInitializer((classes, servletContext) -> {
            try {
                port.endpoint = RegistryWebSocket.deploy(servletContext, protocol, port.paths);
            } catch (DeploymentException e) {
                throw new ServletException(e);
            }
            servletContext.addServlet("upgrade-required", new UpgradeRequired(port.paths)).addMapping("/");
        }, null);
        host.addChild(context);

        List<Connector> connectors = new ArrayList<>();
        for (InetSocketAddress a : addresses) {
            Connector c = new Connector(PROTOCOL);
            c.setPort(a.getPort());
            if (!a.getAddress().isAnyLocalAddress()) {
                c.setProperty("address", a.getAddress().getHostAddress());
            }
            c.setProperty("maxThreads", "32");
            c.setProperty("minSpareThreads", "2");
            service.addConnector(c);
            connectors.add(c);
        }
        server.addService(service); // starts it: the engine, the context, then the connectors
        if (!context.getState().isAvailable()) {
            log.error("Nimbus registry: WebSocket port {} disabled, its Tomcat context did not start (see Tomcat's error above)",
                    BindAddresses.describe(addresses));
            port.close();
            return port;
        }
        for (int i = 0; i < connectors.size(); i++) {
            Connector c = connectors.get(i);
            InetSocketAddress a = addresses.get(i);
            if (c.getState() == LifecycleState.STARTED) {
                port.bound.add(new InetSocketAddress(a.getAddress(), c.getLocalPort()));
            } else {
                String reason = RegistryTcpServer.osReason(List.of(a), new IOException("Tomcat connector " + c.getState()));
                log.error("Nimbus registry: WebSocket disabled on {}, {} (set registry.ws.bind)", BindAddresses.describe(List.of(a)), reason);
                service.removeConnector(c);
                destroy(c);
            }
        }
        if (port.bound.isEmpty()) {
            port.close();
        } else {
            log.info("Nimbus registry WebSocket also on {} (registry.ws.bind), paths {}", BindAddresses.describe(port.bound), port.paths);
        }
        return port;
    }

    /** The addresses bound (with the ports the system chose for port 0); empty when none could be. */
    public List<InetSocketAddress> bound() {
        return List.copyOf(bound);
    }

    /** The endpoint of this port's context, or null when it did not start. */
    public RegistryWebSocket endpoint() {
        return endpoint;
    }

    /** Ends the connections, stops the service and releases the ports; safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        bound.clear();
        if (endpoint != null) {
            endpoint.close();
        }
        try {
            if (server.getState().isAvailable()) {
                server.removeService(service); // stops it
            } else {
                // the server is stopping and holds its services lock: stop ours without it
                service.stop();
            }
            service.destroy();
        } catch (LifecycleException | RuntimeException e) {
            log.warn("stopping the registry WebSocket port: {}", e.toString());
        }
    }

    private static void destroy(Connector c) {
        try {
            c.destroy();
        } catch (LifecycleException e) {
            log.debug("destroying connector {}: {}", c, e.toString());
        }
    }

    /** Everything on this port that is not a WebSocket handshake for the registry (RFC 7231 §6.5.15). */
    private static final class UpgradeRequired extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final String text;

        UpgradeRequired(List<String> paths) {
            this.text = "this port serves only the Nimbus registry WebSocket, at " + String.join(" and ", paths) + "\n";
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setStatus(426);
            resp.setHeader("Upgrade", "websocket");
            resp.setHeader("Connection", "Upgrade");
            resp.setContentType("text/plain");
            resp.setCharacterEncoding("UTF-8");
            resp.getWriter().write(text);
        }
    }
}
