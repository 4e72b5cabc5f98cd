package org.nimbus.red5;

import com.google.gson.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.nimbus.registry.ErrorCodes;
import org.nimbus.registry.RegistryConnection;
import org.nimbus.registry.RegistryException;
import org.nimbus.registry.RegistryProtocol;
import org.nimbus.registry.RegistrySession;
import org.red5.server.api.IConnection;
import org.red5.server.api.service.IServiceCapableConnection;

/**
 * The registry over Red5 NetConnections (RTMP now, RTMFP when its connections reach app scopes):
 * {@code registry(request)} calls in, the result is the reply, and server-initiated messages go
 * out as {@code onRegistry(message)} client calls. Red5 pings its connections itself, so these
 * sessions are not subject to the registry's own idle drop.
 */
public final class NetConnectionRegistry {
    private final RegistryProtocol protocol;
    private final Map<IConnection, RegistrySession> sessions = new ConcurrentHashMap<>();

    NetConnectionRegistry(RegistryProtocol protocol) {
        this.protocol = protocol;
    }

    /** One {@code registry(request)} call from conn; returns the reply as an AMF object. */
    public Map<String, Object> call(IConnection conn, Object request) {
        RegistrySession s = sessions.get(conn);
        if (s == null && !conn.isConnected()) {
            // a call that raced the disconnect must not leave a session behind
            return AmfJson.toAmf(protocol.service().error(ErrorCodes.CLOSED, "the connection is closed", null));
        }
        if (s == null) {
            if (!protocol.service().acceptRate().tryAccept(address(conn))) {
                return AmfJson.toAmf(protocol.service().error(ErrorCodes.TOO_MANY_CONNECTIONS,
                        "too many new connections from this address", null));
            }
            try {
                s = sessions.computeIfAbsent(conn, c -> protocol.service().open(new Client(c), address(c), false));
            } catch (RegistryException e) {
                return AmfJson.toAmf(protocol.service().error(e.code(), e.getMessage(), null));
            }
        }
        JsonObject json = AmfJson.fromAmf(request);
        if (json == null) {
            return AmfJson.toAmf(protocol.service().error(ErrorCodes.BAD_REQUEST, "the request must be an object", null));
        }
        return AmfJson.toAmf(protocol.handle(s, json));
    }

    /** The NetConnection closed: its name and registration go. */
    public void disconnected(IConnection conn) {
        RegistrySession s = sessions.remove(conn);
        if (s != null) {
            // Red5 closes an inactive connection from its keep-alive task after cancelling that task
            // with an interrupt; on an interrupted thread its writes give up, and the presence
            // events of this close to other NetConnections would be lost.
            boolean interrupted = Thread.interrupted();
            try {
                protocol.service().close(s);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static String address(IConnection c) {
        String a = c.getRemoteAddress();
        return a == null ? "unknown" : a;
    }

    private static final class Client implements RegistryConnection {
        private final IConnection conn;

        Client(IConnection conn) {
            this.conn = conn;
        }

        @Override
        public void send(JsonObject message) {
            if (conn instanceof IServiceCapableConnection sc && conn.isConnected()) {
                sc.invoke("onRegistry", new Object[] {AmfJson.toAmf(message)});
            }
        }

        @Override
        public void close() {
            conn.close();
        }

        @Override
        public String transport() {
            return "rtmp";
        }
    }
}
