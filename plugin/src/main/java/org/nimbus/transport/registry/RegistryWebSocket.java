package org.nimbus.transport.registry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.servlet.DispatcherType;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.FilterConfig;
import javax.servlet.FilterRegistration;
import javax.servlet.ServletContext;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletResponse;
import javax.websocket.CloseReason;
import javax.websocket.CloseReason.CloseCodes;
import javax.websocket.DeploymentException;
import javax.websocket.Endpoint;
import javax.websocket.EndpointConfig;
import javax.websocket.HandshakeResponse;
import javax.websocket.MessageHandler;
import javax.websocket.SendResult;
import javax.websocket.Session;
import javax.websocket.server.HandshakeRequest;
import javax.websocket.server.ServerContainer;
import javax.websocket.server.ServerEndpointConfig;
import org.nimbus.registry.RegistryProtocol;
import org.nimbus.registry.StreamSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry over WebSocket as a JSR 356 programmatic endpoint of the servlet container (Red5's
 * Tomcat): binary messages carry the same byte stream as TCP (docs/registry-protocol.md
 * §Transports), text messages get a {@code text-frame} error, and each connection is a
 * {@link StreamSession}, so frames, limits and errors are the TCP transport's. {@link #deploy}
 * adds it to a web app's {@link ServerContainer}; {@link #close} ends every connection it holds.
 */
public final class RegistryWebSocket implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RegistryWebSocket.class);
    /** Where the endpoint sits in the nimbus web app: {@code /nimbus/registry} on Red5's HTTP port. */
    public static final String PATH = "/registry";
    /** Per-session user property carrying the client's IP, which JSR 356 does not expose. */
    static final String ADDRESS = "org.nimbus.registry.remoteAddress";
    /** Tomcat's per-session limit on a blocking send (our close frames), in ms (its default: 20 s). */
    static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";
    static final long CLOSE_SEND_TIMEOUT_MS = 5_000;
    /** A message the client takes none of for this long fails, and the connection goes. */
    static final long SEND_TIMEOUT_MS = 30_000;
    /** HTTP 429 Too Many Requests (RFC 6585 §4), which the servlet API has no constant for. */
    static final int TOO_MANY_REQUESTS = 429;

    /** The address of the request being upgraded: Tomcat's WsFilter runs the handshake on the filter's thread. */
    private static final ThreadLocal<String> UPGRADING = new ThreadLocal<>();

    private final Supplier<RegistryProtocol> protocol;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    /**
     * Closes run here, never on the caller's thread: the registry closes connections while holding
     * its lock, and a close frame is a blocking write (JSR 356 Session.close).
     */
    private final ExecutorService closer = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "nimbus-registry-ws-close");
        t.setDaemon(true);
        return t;
    });
    private final List<String> paths;
    private volatile boolean closed;

    private RegistryWebSocket(Supplier<RegistryProtocol> protocol, List<String> paths) {
        this.protocol = protocol;
        this.paths = paths;
    }

    /**
     * Adds the endpoint at each path of the web app (paths inside it, e.g. {@link #PATH}). The
     * container must have initialised JSR 356 for this context already (Tomcat's WsSci, a
     * ServletContainerInitializer, runs before the listeners that call this). protocol gives the
     * running registry, or null while it is not running (connections are then refused).
     */
    public static RegistryWebSocket deploy(ServletContext context, Supplier<RegistryProtocol> protocol, List<String> paths)
            throws DeploymentException {
        Object attribute = context.getAttribute(ServerContainer.class.getName());
        if (!(attribute instanceof ServerContainer container)) {
            throw new DeploymentException("no JSR 356 server container in web app '" + context.getContextPath()
                    + "' (attribute " + ServerContainer.class.getName() + " is " + attribute
                    + "): the container's WebSocket initializer did not run for it");
        }
        RegistryWebSocket ws = new RegistryWebSocket(protocol, List.copyOf(paths));
        // Before Tomcat's WsFilter (which maps itself after the others, at /*), so the address is set when it upgrades.
        FilterRegistration.Dynamic f = context.addFilter("nimbus-registry-address", new AddressFilter(protocol));
        f.setAsyncSupported(true);
        f.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, paths.toArray(String[]::new));
        Configurator configurator = ws.new Configurator();
        for (String path : paths) {
            container.addEndpoint(ServerEndpointConfig.Builder.create(Connection.class, path).configurator(configurator).build());
        }
        return ws;
    }

    public List<String> paths() {
        return paths;
    }

    /** Connections open now. */
    public int connections() {
        return open.size();
    }

    /** Ends every connection with 1001 (going away, RFC 6455 §7.4.1); new ones are refused. */
    @Override
    public void close() {
        closed = true;
        for (Connection c : open) {
            c.closeNow(new CloseReason(CloseCodes.GOING_AWAY, "the registry is stopping"));
        }
        closer.shutdown();
        try {
            closer.awaitTermination(CLOSE_SEND_TIMEOUT_MS + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Refuses a request over {@code registry.accept_rate_per_ip} with 429 (RFC 6585 §4) before it
     * is upgraded, and keeps the client's address for the handshake that runs further down this
     * filter chain.
     */
    private static final class AddressFilter implements Filter {
        private final Supplier<RegistryProtocol> protocol;

        AddressFilter(Supplier<RegistryProtocol> protocol) {
            this.protocol = protocol;
        }

        @Override
        public void init(FilterConfig config) {
        }

        @Override
        public void destroy() {
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            RegistryProtocol p = protocol.get();
            if (p != null && !p.service().acceptRate().tryAccept(request.getRemoteAddr())) {
                ((HttpServletResponse) response).sendError(TOO_MANY_REQUESTS, "too many connections from this address");
                return;
            }
            UPGRADING.set(request.getRemoteAddr());
            try {
                chain.doFilter(request, response);
            } finally {
                UPGRADING.remove();
            }
        }
    }

    /** One endpoint instance per connection, holding the client's address from the handshake. */
    private final class Configurator extends ServerEndpointConfig.Configurator {
        @Override
        public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
            // Tomcat hands this method the connection's own copy of the config: its user properties become the session's.
            String address = UPGRADING.get();
            if (address != null) {
                sec.getUserProperties().put(ADDRESS, address);
            }
        }

        @Override
        public <T> T getEndpointInstance(Class<T> endpointClass) {
            return endpointClass.cast(new Connection(RegistryWebSocket.this));
        }
    }

    /**
     * One WebSocket connection. JSR 356 §5.1 calls its message handlers one thread at a time, as
     * StreamSession needs; replies and events come from any thread (the registry's lock holder)
     * and wait in a queue, one message in flight at a time (a JSR 356 RemoteEndpoint.Async takes
     * no second message before the first completes).
     */
    public static final class Connection extends Endpoint implements StreamSession.Output {
        private final RegistryWebSocket owner;
        // set in onOpen on a container thread, read by whichever thread writes or closes
        private volatile Session ws;
        private volatile StreamSession stream;
        private volatile long maxQueuedBytes;
        // guarded by this
        private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
        private long queuedBytes;
        private boolean sending;
        private boolean closing;
        private CloseReason closeWhenSent;

        Connection(RegistryWebSocket owner) {
            this.owner = owner;
        }

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            ws = session;
            session.getAsyncRemote().setSendTimeout(SEND_TIMEOUT_MS);
            session.getUserProperties().put(TOMCAT_BLOCKING_SEND_TIMEOUT, CLOSE_SEND_TIMEOUT_MS);
            RegistryProtocol protocol = owner.closed ? null : owner.protocol.get();
            if (protocol == null) {
                closeNow(new CloseReason(CloseCodes.TRY_AGAIN_LATER, "the registry is not running"));
                return;
            }
            Object address = config.getUserProperties().get(ADDRESS);
            if (!(address instanceof String ip)) {
                // the per-address limit cannot be kept without it: refuse rather than guess
                log.error("registry WebSocket {}: no client address from the handshake (is the address filter mapped to {}?)",
                        session.getRequestURI(), owner.paths);
                closeNow(new CloseReason(CloseCodes.UNEXPECTED_CONDITION, "no client address"));
                return;
            }
            maxQueuedBytes = RegistryTcpServer.maxQueuedBytes(protocol);
            stream = new StreamSession(protocol, this, null);
            // Partial handlers: a message of any size is fed as it arrives (the stream's own frame
            // limit applies, as on TCP), never refused for exceeding the container's message buffer.
            session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) (bytes, last) -> stream.onBytes(bytes));
            session.addMessageHandler(String.class, (MessageHandler.Partial<String>) (text, last) -> {
                if (last) {
                    stream.onTextMessage();
                }
            });
            owner.open.add(this);
            if (owner.closed) {
                owner.open.remove(this);
                closeNow(new CloseReason(CloseCodes.GOING_AWAY, "the registry is stopping"));
                return;
            }
            stream.open(ip);
        }

        @Override
        public void onClose(Session session, CloseReason reason) {
            owner.open.remove(this);
            synchronized (this) {
                closing = true;
                queue.clear();
                queuedBytes = 0;
            }
            if (stream != null) {
                stream.onClosed();
            }
        }

        @Override
        public void onError(Session session, Throwable error) {
            log.debug("registry WebSocket {}: {}", session.getId(), error.toString());
        }

        /** Queues one frame; a client that leaves too much unread is closed with 1008 (policy violation). */
        @Override
        public void write(byte[] bytes) {
            boolean overflow;
            synchronized (this) {
                if (closing) {
                    return;
                }
                if (sending && queuedBytes + bytes.length <= maxQueuedBytes) {
                    queue.add(ByteBuffer.wrap(bytes));
                    queuedBytes += bytes.length;
                    return;
                }
                overflow = sending;
                if (overflow) {
                    queue.clear();
                    queuedBytes = 0;
                    closing = true;
                    closeWhenSent = null;
                } else {
                    sending = true;
                }
            }
            if (overflow) {
                log.debug("registry WebSocket client {} does not read: closing", ws.getId());
                closeNow(new CloseReason(CloseCodes.VIOLATED_POLICY, "not reading"));
            } else {
                send(ByteBuffer.wrap(bytes));
            }
        }

        @Override
        public String transport() {
            return "websocket";
        }

        /** Closes with 1000 once every queued frame has gone (the StreamSession.Output contract). */
        @Override
        public void close() {
            synchronized (this) {
                if (closing) {
                    return;
                }
                closing = true;
                if (sending) {
                    closeWhenSent = new CloseReason(CloseCodes.NORMAL_CLOSURE, "");
                    return;
                }
            }
            closeNow(new CloseReason(CloseCodes.NORMAL_CLOSURE, ""));
        }

        private void send(ByteBuffer message) {
            try {
                ws.getAsyncRemote().sendBinary(message, this::sent);
            } catch (IllegalStateException | IllegalArgumentException e) {
                sent(new SendResult(e));
            }
        }

        private void sent(SendResult result) {
            ByteBuffer next = null;
            CloseReason close;
            synchronized (this) {
                if (!result.isOK()) {
                    // the socket failed or timed out: end the session (if the container has not) so onClose follows
                    log.debug("registry WebSocket {}: send failed: {}", ws.getId(), String.valueOf(result.getException()));
                    queue.clear();
                    queuedBytes = 0;
                    closing = true;
                    sending = false;
                    close = new CloseReason(CloseCodes.UNEXPECTED_CONDITION, "send failed");
                } else if ((next = queue.poll()) != null) {
                    queuedBytes -= next.remaining();
                    close = null;
                } else {
                    sending = false;
                    close = closeWhenSent;
                    closeWhenSent = null;
                }
            }
            if (next != null) {
                send(next);
            } else if (close != null) {
                closeNow(close);
            }
        }

        void closeNow(CloseReason reason) {
            Session s = ws;
            Runnable close = () -> {
                try {
                    s.close(reason);
                } catch (IOException | RuntimeException e) {
                    log.debug("registry WebSocket {}: close: {}", s.getId(), e.toString());
                }
            };
            try {
                owner.closer.execute(close);
            } catch (RejectedExecutionException stopped) {
                close.run(); // the deployment is closed, and the registry with it
            }
        }
    }
}
