package org.nimbus.transport.registry;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.nimbus.registry.PolicyFile;

/**
 * Flash's master socket policy server (TCP 843): answers {@code <policy-file-request/>} with the
 * policy document and closes; anything else, or silence past the timeout, is just closed.
 */
public final class PolicyServer implements AutoCloseable {
    private static final String MATCHER = "nimbus.policy.matcher";
    private final NioSocketAcceptor acceptor = new NioSocketAcceptor();

    public PolicyServer(byte[] answer, int timeoutSeconds) {
        acceptor.setReuseAddress(true);
        acceptor.getSessionConfig().setIdleTime(IdleStatus.BOTH_IDLE, timeoutSeconds);
        acceptor.setHandler(new IoHandlerAdapter() {
            @Override
            public void sessionOpened(IoSession io) {
                io.setAttribute(MATCHER, PolicyFile.matcher());
            }

            @Override
            public void messageReceived(IoSession io, Object message) {
                PolicyFile.Match m = ((PolicyFile) io.getAttribute(MATCHER)).feed(((IoBuffer) message).buf());
                if (m == PolicyFile.Match.MATCHED) {
                    io.write(IoBuffer.wrap(answer));
                }
                if (m != PolicyFile.Match.MORE) {
                    io.closeOnFlush();
                }
            }

            @Override
            public void sessionIdle(IoSession io, IdleStatus status) {
                io.closeNow();
            }

            @Override
            public void exceptionCaught(IoSession io, Throwable cause) {
                io.closeNow();
            }
        });
    }

    public void bind(InetSocketAddress address) throws IOException {
        try {
            acceptor.bind(address);
        } catch (IOException e) {
            throw new IOException("cannot bind the Flash policy server on " + address + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        acceptor.unbind();
        acceptor.dispose(true);
    }
}
