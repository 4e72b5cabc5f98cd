package org.nimbus.transport.registry;

import org.nimbus.config.BindAddresses;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.SocketSessionConfig;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.nimbus.registry.RegistryProtocol;
import org.nimbus.registry.StreamSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry over TCP for flash.net.Socket, on MINA's NIO acceptor (Red5 ships MINA). Each
 * connection is a {@link StreamSession}; this class only moves bytes and reports closes. It also
 * answers Flash's policy request that arrives first on the same port.
 */
public final class RegistryTcpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RegistryTcpServer.class);
    private static final String STREAM = "nimbus.registry.stream";

    private final NioSocketAcceptor acceptor = new NioSocketAcceptor();

    public RegistryTcpServer(RegistryProtocol protocol, byte[] policyAnswer) {
        long maxQueued = maxQueuedBytes(protocol);
        acceptor.setReuseAddress(true);
        SocketSessionConfig cfg = acceptor.getSessionConfig();
        cfg.setTcpNoDelay(true);
        cfg.setReadBufferSize(8192);
        acceptor.setHandler(new IoHandlerAdapter() {
            @Override
            public void sessionOpened(IoSession io) {
                String ip = Addresses.ip(io.getRemoteAddress());
                if (!protocol.service().acceptRate().tryAccept(ip)) {
                    // registry.accept_rate_per_ip: a connect flood costs a close, never a session
                    io.closeNow();
                    return;
                }
                StreamSession s = new StreamSession(protocol, new StreamSession.Output() {
                    @Override
                    public String transport() {
                        return "tcp";
                    }

                    @Override
                    public void write(byte[] bytes) {
                        if (io.getScheduledWriteBytes() > maxQueued) {
                            log.debug("registry client {} does not read: closing", io.getRemoteAddress());
                            io.closeNow();
                            return;
                        }
                        io.write(IoBuffer.wrap(bytes));
                    }

                    @Override
                    public void close() {
                        io.closeOnFlush();
                    }
                }, policyAnswer);
                io.setAttribute(STREAM, s);
                s.open(ip);
            }

            @Override
            public void messageReceived(IoSession io, Object message) {
                StreamSession s = (StreamSession) io.getAttribute(STREAM);
                if (s != null) {
                    s.onBytes(((IoBuffer) message).buf());
                }
            }

            @Override
            public void sessionClosed(IoSession io) {
                StreamSession s = (StreamSession) io.getAttribute(STREAM);
                if (s != null) {
                    s.onClosed();
                }
            }

            @Override
            public void exceptionCaught(IoSession io, Throwable cause) {
                log.debug("registry TCP {}: {}", io.getRemoteAddress(), cause.toString());
                io.closeNow();
            }
        });
    }

    /** Bytes queued toward a client, over every transport, beyond which it is taken not to read and closed. */
    static long maxQueuedBytes(RegistryProtocol protocol) {
        // A client that stops reading must not make its queue grow without end.
        return 4L * protocol.service().limits().maxFrameBytes() + (1 << 20);
    }

    /** Binds every address; on failure nothing stays bound and the message names the addresses. */
    public void bind(List<InetSocketAddress> addresses) throws IOException {
        try {
            acceptor.bind(new ArrayList<SocketAddress>(addresses));
        } catch (IOException | RuntimeException e) {
            // MINA's socket acceptor loses the operating system's reason (an address in use comes
            // out as IllegalStateException "Can't overwrite cause with a null"): ask the OS again.
            acceptor.unbind();
            throw new IOException("cannot bind registry TCP " + BindAddresses.describe(addresses)
                    + ": " + osReason(addresses, e), e);
        }
    }

    /** Why the OS refuses one of these addresses, found by binding each once more on its own. */
    static String osReason(List<InetSocketAddress> addresses, Exception minaError) {
        for (InetSocketAddress a : addresses) {
            try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
                probe.bind(a);
            } catch (IOException refused) {
                return BindAddresses.describe(List.of(a)) + " " + refused.getMessage();
            }
        }
        return String.valueOf(minaError.getMessage());
    }

    @Override
    public void close() {
        acceptor.unbind();
        acceptor.dispose(true);
    }
}
