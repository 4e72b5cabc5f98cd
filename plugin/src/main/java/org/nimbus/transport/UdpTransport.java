package org.nimbus.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.ExpiringSessionRecycler;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.DatagramSessionConfig;
import org.apache.mina.transport.socket.nio.NioDatagramAcceptor;
import org.nimbus.config.BindAddresses;
import org.nimbus.rtmfp.session.DatagramOutput;
import org.nimbus.rtmfp.session.DatagramReceiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RTMFP UDP edge on Apache MINA's {@link NioDatagramAcceptor}. It copies each datagram out
 * of MINA's buffer and hands it to the protocol core with a reply path bound to the local
 * address it came in on. MINA keeps an IoSession per remote address; addresses that the core
 * holds no session for (handshakes, garbage, floods) have theirs closed at once, so spoofed
 * sources cannot make the transport grow.
 */
public final class UdpTransport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UdpTransport.class);
    /** Longer than any RTMFP idle timeout: an established peer's IoSession outlives quiet spells. */
    private static final int SESSION_EXPIRY_SECONDS = 300;

    private final NioDatagramAcceptor acceptor = new NioDatagramAcceptor();
    private final AtomicLong handlerErrors = new AtomicLong();
    private final Predicate<InetSocketAddress> keepPeer;

    /**
     * @param receiver gets every datagram
     * @param keepPeer tells whether a remote address has session state; MINA's per-address
     *                 IoSession is closed right after use for every other address (handshakes,
     *                 garbage, floods), so they leave nothing behind
     */
    public UdpTransport(DatagramReceiver receiver, Predicate<InetSocketAddress> keepPeer) {
        this.keepPeer = keepPeer;
        acceptor.setSessionRecycler(new ExpiringSessionRecycler(SESSION_EXPIRY_SECONDS));
        // UDP "sessions" hold no connection: unbinding need not close thousands of them one by
        // one (with 10 000 peers that made shutdown hang in disconnectSessions).
        acceptor.setCloseOnDeactivation(false);
        DatagramSessionConfig cfg = acceptor.getSessionConfig();
        cfg.setReuseAddress(false);
        cfg.setReceiveBufferSize(1 << 20);
        cfg.setSendBufferSize(1 << 20);
        cfg.setReadBufferSize(2048);
        cfg.setMinReadBufferSize(2048);
        acceptor.setHandler(new IoHandlerAdapter() {
            @Override
            public void messageReceived(IoSession session, Object message) {
                IoBuffer buf = (IoBuffer) message;
                byte[] data = new byte[buf.remaining()];
                buf.get(data);
                InetSocketAddress from = (InetSocketAddress) session.getRemoteAddress();
                InetSocketAddress local = (InetSocketAddress) session.getLocalAddress();
                try {
                    receiver.receive(from, data, (to, datagram) -> send(local, to, datagram));
                } catch (RuntimeException e) {
                    // The core promises not to throw; if it does, the I/O thread must survive.
                    handlerErrors.incrementAndGet();
                    log.warn("RTMFP receiver failed on a datagram from {}", from, e);
                }
                if (!keepPeer.test(from)) {
                    session.closeOnFlush();
                }
            }

            @Override
            public void exceptionCaught(IoSession session, Throwable cause) {
                handlerErrors.incrementAndGet();
                log.debug("UDP session {} error", session.getRemoteAddress(), cause);
            }
        });
    }

    /** Binds every address; on failure nothing stays bound and the error names the address. */
    public void bind(List<InetSocketAddress> addresses) throws IOException {
        try {
            acceptor.bind(new ArrayList<SocketAddress>(addresses));
        } catch (IOException e) {
            acceptor.unbind();
            throw new IOException("cannot bind RTMFP UDP " + BindAddresses.describe(addresses) + ": " + e.getMessage(), e);
        }
        // MINA reports ::1 back as 0.0.0.1 (it treats IPv4-compatible IPv6 addresses as IPv4),
        // so callers describe what they asked for; ports are never 0 (config requires 1..65535).
    }

    /** Sends from one of our bound addresses; may be called from any thread. */
    public void send(InetSocketAddress local, InetSocketAddress to, byte[] datagram) {
        IoSession s;
        try {
            s = acceptor.newSession(to, boundAddress(local));
        } catch (RuntimeException e) {
            handlerErrors.incrementAndGet();
            return; // unbound meanwhile (shutdown)
        }
        if (s.isClosing()) {
            // The sender's IoSession (a handshake) is still being closed and MINA hands it out
            // again; a write to it would vanish. Send once it is gone, on a fresh one.
            s.getCloseFuture().addListener(f -> send(local, to, datagram));
            return;
        }
        try {
            s.write(IoBuffer.wrap(datagram));
        } catch (RuntimeException e) {
            // MINA can fail a write to a session that began closing after the check above; the
            // datagram is lost as on any network (RFC 7016 senders retransmit), the caller goes on.
            handlerErrors.incrementAndGet();
            return;
        }
        if (!keepPeer.test(to)) {
            s.closeOnFlush();
        }
    }

    /**
     * The bound address a session's local address stands for. A wildcard socket reports its
     * sessions' local address as the IPv6 wildcard while MINA keys it by the address it was
     * bound with (0.0.0.0): newSession wants the latter.
     */
    private SocketAddress boundAddress(InetSocketAddress local) {
        Set<SocketAddress> bound = acceptor.getLocalAddresses();
        if (bound.contains(local) || !local.getAddress().isAnyLocalAddress()) {
            return local;
        }
        for (SocketAddress a : bound) {
            InetSocketAddress b = (InetSocketAddress) a;
            if (b.getPort() == local.getPort() && b.getAddress().isAnyLocalAddress()) {
                return b;
            }
        }
        return local;
    }

    /** Per-remote-address IoSessions MINA holds now: only peers with RTMFP sessions keep one. */
    public int peerCount() {
        return acceptor.getManagedSessionCount();
    }

    public long handlerErrors() {
        return handlerErrors.get();
    }

    @Override
    public void close() {
        acceptor.unbind();
        acceptor.dispose(true);
    }
}
