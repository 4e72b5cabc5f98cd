package org.nimbus.red5;

import java.net.InetSocketAddress;
import org.nimbus.config.NimbusConfig;
import org.nimbus.config.TcSettings;
import org.nimbus.introduction.PeerDirectory;
import org.nimbus.rtmfp.session.FlowDispatcher;
import org.nimbus.transport.RtmfpServer;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.nimbus.tc.ConnectKeys;
import org.nimbus.tc.Replies;
import org.nimbus.tc.TcApplication;
import org.nimbus.tc.TcFlowService;
import org.nimbus.tc.TcFormatException;
import org.nimbus.tc.TcMessage;
import org.nimbus.tc.TcSession;
import org.red5.server.api.IConnection.Encoding;
import org.red5.server.api.IContext;
import org.red5.server.api.IServer;
import org.red5.server.api.scope.IGlobalScope;
import org.red5.server.api.scope.IScope;
import org.red5.server.exception.ClientRejectedException;
import org.red5.server.exception.ScopeNotFoundException;
import org.red5.server.exception.ScopeShuttingDownException;
import org.red5.server.net.rtmp.RTMPHandler;
import org.red5.server.net.rtmp.event.Invoke;
import org.red5.server.net.rtmp.event.Notify;
import org.red5.server.net.rtmp.message.Packet;
import org.red5.server.net.rtmp.status.StatusObjectService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts RTMFP NetConnections into Red5 (RFC 7425 §5.2): a {@code connect} enters the application
 * scope exactly as an RTMP connect does (global scope by host, application and room by path,
 * {@code appConnect}/{@code roomJoin} with the connect arguments, Red5's client registry), with
 * a configured default application for paths no application serves (Cirrus's
 * "rtmfp://host/developer-key"). Everything after connect goes through Red5's own
 * {@link RTMPHandler}. Work arrives on the RTMFP loop and runs on a pool; answers hop back.
 */
public final class TcBridge implements TcApplication, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TcBridge.class);
    /** How often peers ping a client directly, told in the 0x29 keepalive (as deployed servers do). */
    static final long PEER_KEEPALIVE_MILLIS = 10_000;

    private final IServer server;
    private final RTMPHandler handler;
    private final String defaultApp;
    private final ExecutorService pool;
    private final int maxStreams;
    private volatile KeyList keys = new KeyList(java.util.Set.of(), null);
    private volatile TcFlowService tc;

    public TcBridge(IServer server, StatusObjectService statusObjects, String defaultApp, int threads, int maxStreams) {
        this.server = server;
        this.maxStreams = maxStreams;
        this.defaultApp = defaultApp == null || defaultApp.isEmpty() ? null : defaultApp;
        this.handler = new RTMPHandler();
        handler.setServer(server);
        handler.setStatusObjectService(statusObjects);
        handler.setUnvalidatedConnectionAllowed(true);
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "nimbus-tc-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Creates the TC service with its Red5 bridge and registers it for TC flows; call
     * {@link #start} once the RTMFP server runs.
     */
    public static TcBridge install(FlowDispatcher flows, NimbusConfig config, PeerDirectory peers, IServer server)
            throws Exception {
        // Red5's status objects (NetStream.*, NetConnection.*), as the RTMP handler's bean has them.
        StatusObjectService statusObjects = new StatusObjectService();
        statusObjects.afterPropertiesSet();
        TcBridge bridge = new TcBridge(server, statusObjects, config.get(TcSettings.DEFAULT_APP), config.get(TcSettings.THREADS),
                config.get(TcSettings.MAX_STREAMS));
        bridge.tc = new TcFlowService(bridge, peers, config.get(NimbusConfig.RTMFP_KEEPALIVE_SECONDS) * 1000L,
                PEER_KEEPALIVE_MILLIS, config.get(TcSettings.MEDIA_BUFFER_BYTES));
        String keysFile = config.get(TcSettings.KEYS_FILE);
        java.nio.file.Path file = keysFile.isEmpty() ? null : NimbusPlugin.configFile().resolveSibling(keysFile);
        bridge.keys = new KeyList(config.get(TcSettings.KEYS), file);
        flows.add(bridge.tc);
        return bridge;
    }

    /** Binds the TC service to the running endpoint's loop. */
    public void start(RtmfpServer rtmfp) {
        rtmfp.attach(tc);
    }

    /** The developer keys in force and their counters (the JMX bean). */
    public KeysMXBean keysBean() {
        return keys;
    }

    /** The TC service (its connected NetConnections, by peer ID). */
    public TcFlowService service() {
        return tc;
    }

    /** The Red5 connection of a TC session, or null before connect. */
    public static RtmfpConnection connectionOf(TcSession session) {
        return session.application() instanceof RtmfpConnection c ? c : null;
    }

    @Override
    public void onConnect(TcSession session, TcMessage connect) {
        InetSocketAddress remote = session.session().address();
        RtmfpConnection conn = new RtmfpConnection(tc, session, remote, pool, handler, maxStreams);
        session.attach(conn);
        conn.inbound(() -> connect(conn, connect));
    }

    @Override
    public void onMessage(TcSession session, long streamId, TcMessage message) {
        RtmfpConnection conn = connectionOf(session);
        if (conn != null) {
            conn.receive(streamId, message);
        }
    }

    @Override
    public void onClosed(TcSession session) {
        RtmfpConnection conn = connectionOf(session);
        if (conn != null) {
            conn.sessionClosed();
        }
    }

    // ---- connect, on the connection's executor ----

    private void connect(RtmfpConnection conn, TcMessage message) {
        Packet packet;
        try {
            packet = conn.toPacket(0, message);
        } catch (TcFormatException e) {
            refuse(conn, 0, Replies.CONNECT_FAILED, "connect does not decode: " + e.getMessage());
            return;
        }
        if (packet == null || !(packet.getMessage() instanceof Notify command)) {
            refuse(conn, 0, Replies.CONNECT_FAILED, "connect does not decode");
            return;
        }
        double tx = command instanceof Invoke ? command.getTransactionId() : 0;
        Map<String, Object> params = command.getConnectionParams();
        if (params == null) {
            refuse(conn, tx, Replies.CONNECT_FAILED, "connect needs a command object with 'app' and 'tcUrl'");
            return;
        }
        if (!(params.get("app") instanceof String app)) {
            refuse(conn, tx, Replies.CONNECT_FAILED, "connect: 'app' must be a string");
            return;
        }
        Object tcUrl = params.get("tcUrl");
        if (tcUrl != null && !(tcUrl instanceof String)) {
            refuse(conn, tx, Replies.CONNECT_FAILED, "connect: 'tcUrl' must be a string");
            return;
        }
        String path = app;
        int q = path.indexOf('?');
        if (q >= 0) {
            params.put("queryString", path.substring(q));
            path = path.substring(0, q);
        }
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        String host = hostOf((String) tcUrl);
        Object[] args = command.getCall() == null ? null : command.getCall().getArguments();
        try {
            IScope scope = resolve(conn, host, path, params);
            if (scope == null) {
                refuse(conn, tx, Replies.CONNECT_INVALID_APP, "No scope '" + path + "' on this server.");
                return;
            }
            String refusal = keyRefusal(params, args);
            if (refusal != null) {
                refuse(conn, tx, Replies.CONNECT_REJECTED, refusal);
                return;
            }
            if (!scope.isConnectionAllowed(conn)) {
                refuse(conn, tx, Replies.CONNECT_REJECTED, "Connection to '" + path + "' denied.");
                return;
            }
            boolean ok;
            try {
                ok = args != null ? conn.connect(scope, args) : conn.connect(scope);
            } catch (ClientRejectedException rejected) {
                Map<String, Object> info = Replies.info("error", Replies.CONNECT_REJECTED,
                        rejected.getReason() == null ? "Connection rejected." : rejected.getReason().toString());
                if (rejected.getReason() != null) {
                    info.put("application", rejected.getReason());
                }
                refuse(conn, tx, info);
                return;
            }
            if (!ok) {
                refuse(conn, tx, Replies.CONNECT_REJECTED, "Connection rejected by the application.");
                return;
            }
        } catch (ScopeShuttingDownException e) {
            refuse(conn, tx, "NetConnection.Connect.AppShutdown", "Application at '" + path + "' is shutting down.");
            return;
        } catch (RuntimeException e) {
            log.warn("RTMFP connect of {} to '{}' failed", conn.peerId(), path, e);
            refuse(conn, tx, Replies.CONNECT_FAILED, "connect failed: " + e.getMessage());
            return;
        }
        int encoding = params.get("objectEncoding") instanceof Number n && n.intValue() == 3 ? 3 : 0;
        if (encoding == 3) {
            conn.getState().setEncoding(Encoding.AMF3);
        }
        TcFlowService service = tc;
        Map<String, Object> info = Replies.connectSuccess(encoding, conn.peerId(), service.serverFingerprintHex());
        log.info("RTMFP NetConnection {} connected to {} from {}:{}", conn.peerId(), conn.getScope().getContextPath(),
                conn.getRemoteAddress(), conn.getRemotePort());
        conn.post(s -> s.accept(tx, info, service.serverKeepaliveMillis(), service.peerKeepaliveMillis(), service.now()));
    }

    /**
     * Why a connect's developer key is refused, or null: the key is the first segment of a path
     * no application serves (Cirrus's rtmfp://host/KEY), else the first connect argument.
     */
    private String keyRefusal(Map<String, Object> params, Object[] args) {
        KeyList k = keys;
        k.refresh();
        if (!k.keys().configured()) {
            return null;
        }
        String pathKey = null;
        if (params.get("rtmfpPath") instanceof String unserved) {
            int slash = unserved.indexOf('/');
            pathKey = slash < 0 ? unserved : unserved.substring(0, slash);
        }
        ConnectKeys.Verdict v = k.keys().admit(pathKey, args == null || args.length == 0 ? null : args[0]);
        return v.admitted() ? null : v.reason();
    }

    /**
     * The application scope for the path, as Red5's RTMP handler finds it; when no application
     * serves the path and a default one is configured, that one (the connection's path becomes
     * the default app, the requested one stays in the connect parameters as {@code rtmfpPath}).
     */
    private IScope resolve(RtmfpConnection conn, String host, String path, Map<String, Object> params) {
        params.put("path", path);
        conn.setup(host, path, params);
        IGlobalScope global = server.lookupGlobal(host, path);
        if (global == null && defaultApp != null) {
            global = server.lookupGlobal(host, defaultApp);
        }
        if (global == null) {
            return null;
        }
        IContext context = global.getContext();
        IScope scope = resolveOrNull(context, global, path);
        if (scope != null || defaultApp == null || path.equals(defaultApp) || path.startsWith(defaultApp + "/")) {
            return scope;
        }
        params.put("rtmfpPath", path);
        params.put("path", defaultApp);
        conn.setup(host, defaultApp, params);
        return resolveOrNull(context, global, defaultApp);
    }

    private static IScope resolveOrNull(IContext context, IGlobalScope global, String path) {
        try {
            return context.resolveScope(global, path);
        } catch (ScopeNotFoundException e) {
            return null;
        }
    }

    private void refuse(RtmfpConnection conn, double tx, String code, String description) {
        refuse(conn, tx, Replies.info("error", code, description));
    }

    private void refuse(RtmfpConnection conn, double tx, Map<String, Object> info) {
        log.info("RTMFP NetConnection {} refused: {} {}", conn.peerId(), info.get("code"), info.get("description"));
        long now = tc.now();
        conn.post(s -> s.reject(tx, info, now));
        conn.discard();
    }

    /** The host of a tcUrl ("rtmfp://host:port/app" → "host"); "" when there is none. */
    static String hostOf(String tcUrl) {
        if (tcUrl == null) {
            return "";
        }
        String[] parts = tcUrl.split("/");
        if (parts.length < 3) {
            return "";
        }
        String host = parts[2];
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end > 0 ? host.substring(1, end) : host;
        }
        int colon = host.lastIndexOf(':');
        return colon >= 0 ? host.substring(0, colon) : host;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
