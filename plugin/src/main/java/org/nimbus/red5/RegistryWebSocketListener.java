package org.nimbus.red5;

import java.util.List;
import javax.servlet.ServletContext;
import javax.servlet.ServletContextEvent;
import javax.servlet.ServletContextListener;
import javax.websocket.DeploymentException;
import org.nimbus.registry.RegistryProtocol;
import org.nimbus.transport.registry.RegistryWebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the registry WebSocket in the nimbus web app, at {@code /nimbus/registry} on Red5's
 * HTTP port (and over HTTPS wherever Red5 serves it), declared in its {@code WEB-INF/web.xml}.
 * The endpoint is added programmatically (JSR 356 §6.4) because Tomcat looks for annotated
 * endpoints only in WEB-INF/classes and WEB-INF/lib, and the plugin's classes are in neither.
 */
public class RegistryWebSocketListener implements ServletContextListener {
    private static final Logger log = LoggerFactory.getLogger(RegistryWebSocketListener.class);
    private RegistryWebSocket endpoint;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        try {
            endpoint = RegistryWebSocket.deploy(context, RegistryWebSocketListener::protocol, List.of(RegistryWebSocket.PATH));
        } catch (DeploymentException e) {
            // Red5's TomcatLoader filters Tomcat's WsSci out of every context when websocketEnabled is true
            log.error("Nimbus registry WebSocket not served: {} (is websocketEnabled true on the tomcat.server bean of"
                    + " conf/jee-container.xml? it must be false; and tomcat-websocket must be in plugins/)", e.getMessage());
            return;
        }
        RegistryLauncher registry = RegistryLauncher.current();
        if (registry != null) {
            registry.attach(endpoint);
        }
        log.info("Nimbus registry WebSocket at {}{} on Red5's HTTP port{}", context.getContextPath(), RegistryWebSocket.PATH,
                registry == null ? " (the registry is not running: connections are refused)" : "");
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (endpoint != null) {
            endpoint.close();
            endpoint = null;
        }
    }

    /** The running registry's protocol, or null while it is not running. */
    static RegistryProtocol protocol() {
        RegistryLauncher registry = RegistryLauncher.current();
        return registry == null ? null : registry.protocol();
    }
}
