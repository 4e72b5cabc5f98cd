package org.nimbus.red5;

import java.net.InetSocketAddress;
import java.util.List;
import org.apache.catalina.Context;
import org.apache.catalina.Engine;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleEvent;
import org.apache.catalina.LifecycleListener;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Server;
import org.nimbus.transport.registry.RegistryWebSocket;
import org.nimbus.transport.registry.RegistryWebSocketPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the optional separate registry WebSocket port ({@code registry.ws.bind}) in Red5's own
 * Tomcat: a Tomcat listener of the nimbus context, declared in its {@code META-INF/context.xml},
 * which is how a web app reaches the Tomcat server it runs in. The port's service is added once
 * the whole server has started (Tomcat holds its services lock while it starts them).
 */
public class RegistryWebSocketPortListener implements LifecycleListener {
    private static final Logger log = LoggerFactory.getLogger(RegistryWebSocketPortListener.class);

    @Override
    public void lifecycleEvent(LifecycleEvent event) {
        if (!Lifecycle.AFTER_START_EVENT.equals(event.getType()) || !(event.getLifecycle() instanceof Context context)) {
            return;
        }
        RegistryLauncher registry = RegistryLauncher.current();
        if (registry == null) {
            return;
        }
        List<InetSocketAddress> addresses = registry.takeWebSocketPort();
        if (addresses.isEmpty()) {
            return;
        }
        Server server = ((Engine) context.getParent().getParent()).getService().getServer();
        List<String> paths = List.of("/", context.getPath() + RegistryWebSocket.PATH);
        Runnable open = () -> registry.attach(RegistryWebSocketPort.start(server, addresses, RegistryWebSocketListener::protocol, paths));
        if (server.getState() == LifecycleState.STARTED) {
            open.run();
            return;
        }
        log.debug("registry WebSocket port {}: waiting for Tomcat to start", addresses);
        server.addLifecycleListener(new LifecycleListener() {
            @Override
            public void lifecycleEvent(LifecycleEvent e) {
                if (Lifecycle.AFTER_START_EVENT.equals(e.getType())) {
                    server.removeLifecycleListener(this);
                    open.run();
                }
            }
        });
    }
}
