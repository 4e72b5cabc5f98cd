package org.nimbus.transport.registry;

import org.nimbus.config.BindAddresses;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;
import org.nimbus.registry.RegistryProtocol;
import org.nimbus.registry.StreamSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry over WebSocket (pages, Ruffle's socketProxy) on one address, any path: binary
 * messages carry the same byte stream as TCP, text messages get an error. Java-WebSocket runs
 * its own selector thread; each connection is a {@link StreamSession}.
 */
public final class RegistryWebSocketServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RegistryWebSocketServer.class);
    /** Outgoing WebSocket frames queued for a client that does not read, before it is closed. */
    private static final int MAX_QUEUED_FRAMES = 4096;

    private final Server server;
    private final InetSocketAddress address;

    public RegistryWebSocketServer(RegistryProtocol protocol, InetSocketAddress address) {
        this.address = address;
        this.server = new Server(protocol, address);
    }

    /** Binds and starts; waits (briefly) for the bind so a taken port is reported to the caller. */
    public void start() throws IOException {
        server.start();
        try {
            server.started.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            close();
            throw new IOException("cannot bind registry WebSocket " + BindAddresses.describe(java.util.List.of(address)) + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IOException("interrupted while binding registry WebSocket", e);
        } catch (TimeoutException e) {
            close();
            throw new IOException("registry WebSocket " + address + " did not start", e);
        }
    }

    /** The bound port (useful when asked for port 0). */
    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        try {
            server.stop(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Server extends WebSocketServer {
        private final RegistryProtocol protocol;
        final CompletableFuture<Void> started = new CompletableFuture<>();

        Server(RegistryProtocol protocol, InetSocketAddress address) {
            super(address, 1);
            this.protocol = protocol;
            setReuseAddr(true);
            setTcpNoDelay(true);
            setDaemon(true);
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
            StreamSession s = new StreamSession(protocol, new StreamSession.Output() {
                @Override
                public String transport() {
                    return "websocket";
                }

                @Override
                public void write(byte[] bytes) {
                    if (conn instanceof WebSocketImpl impl && impl.outQueue.size() > MAX_QUEUED_FRAMES) {
                        conn.closeConnection(1008, "not reading");
                        return;
                    }
                    try {
                        conn.send(bytes);
                    } catch (WebsocketNotConnectedException e) {
                        // closed meanwhile: onClose reports it
                    }
                }

                @Override
                public void close() {
                    conn.close(1000);
                }
            }, null);
            conn.setAttachment(s);
            s.open(Addresses.ip(conn.getRemoteSocketAddress()));
        }

        @Override
        public void onMessage(WebSocket conn, ByteBuffer message) {
            StreamSession s = conn.getAttachment();
            if (s != null) {
                s.onBytes(message);
            }
        }

        @Override
        public void onMessage(WebSocket conn, String message) {
            StreamSession s = conn.getAttachment();
            if (s != null) {
                s.onTextMessage();
            }
        }

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) {
            StreamSession s = conn.getAttachment();
            if (s != null) {
                s.onClosed();
            }
        }

        @Override
        public void onError(WebSocket conn, Exception ex) {
            if (conn == null) {
                // the server itself: bind failure before start, or a selector error
                if (!started.completeExceptionally(ex)) {
                    log.warn("registry WebSocket server error", ex);
                }
            } else {
                log.debug("registry WebSocket {}: {}", conn.getRemoteSocketAddress(), ex.toString());
            }
        }

        @Override
        public void onStart() {
            started.complete(null);
        }
    }
}
