package org.nimbus.red5;

import org.red5.server.adapter.MultiThreadedApplicationAdapter;
import java.util.Map;
import org.red5.server.api.IConnection;
import org.red5.server.api.Red5;
import org.red5.server.api.scope.IScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler of the "nimbus" Red5 application (webapps/nimbus): the app that RTMP and RTMFP
 * clients connect to. Registry and relay services attach here as they land.
 */
public class NimbusApplication extends MultiThreadedApplicationAdapter {
    private static final Logger log = LoggerFactory.getLogger(NimbusApplication.class);

    @Override
    public boolean appStart(IScope app) {
        log.info("Nimbus application started: scope {}", app.getName());
        return super.appStart(app);
    }

    @Override
    public boolean appConnect(IConnection conn, Object[] params) {
        log.info("Nimbus app connect: {} from {} ({})", conn.getSessionId(), conn.getRemoteAddress(),
                conn.getClass().getSimpleName());
        return super.appConnect(conn, params);
    }

    @Override
    public void appDisconnect(IConnection conn) {
        log.info("Nimbus app disconnect: {}", conn.getSessionId());
        RegistryLauncher registry = RegistryLauncher.current();
        if (registry != null) {
            registry.netConnections().disconnected(conn);
        }
        super.appDisconnect(conn);
    }

    /**
     * {@code nc.call("echo", responder, value)}: answers with the value itself. A round trip
     * through Red5's service invocation for clients checking their connection and for the
     * conformance kit's {@code mix=call} load.
     */
    public Object echo(Object value) {
        return value;
    }

    /**
     * The registry over NetConnection: {@code nc.call("registry", responder, request)} with the
     * request object of docs/registry-protocol.md; the result is the reply object.
     */
    public Map<String, Object> registry(Object request) {
        RegistryLauncher registry = RegistryLauncher.current();
        if (registry == null) {
            return Map.of("op", "error", "code", "unavailable", "message", "the registry is not running");
        }
        return registry.netConnections().call(Red5.getConnectionLocal(), request);
    }
}
