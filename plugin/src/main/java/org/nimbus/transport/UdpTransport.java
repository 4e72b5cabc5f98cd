package org.nimbus.transport;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
    /** Set once an IoSession's close is queued: writes after it would be silently dropped. */
    private static final String RELEASED = "nimbus.released";

    /**
     * MINA's I/O thread runs on our executor: MINA then never interrupts it at dispose (its own
     * executor is shut down with shutdownNow, which logged an InterruptedException and made
     * dispose wait for the next 1 s select timeout); ours is left to finish on its own.
     */
    private final ExecutorService ioThreads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "nimbus-rtmfp-udp");
        t.setDaemon(true);
        return t;
    });
    private final NioDatagramAcceptor acceptor = new NioDatagramAcceptor(ioThreads);
    private final AtomicLong handlerErrors = new AtomicLong();
    private final Predicate<InetSocketAddress> keepPeer;
    private final SourceTally sources = new SourceTally();

    /**
     * @param inbox    gets every datagram
     * @param keepPeer tells whether a remote address has session state; MINA's per-address
     *                 IoSession is closed once a datagram is settled for every other address
     *                 (handshakes, garbage, floods), so they leave nothing behind
     */
    public UdpTransport(Inbox inbox, Predicate<InetSocketAddress> keepPeer) {
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
                sources.count(from.getAddress());
                try {
                    inbox.offer(from, data, (to, datagram) -> send(local, to, datagram), () -> {
                        if (!keepPeer.test(from)) {
                            release(session);
                        }
                    });
                } catch (RuntimeException e) {
                    // The inbox promises not to throw; if it does, the I/O thread must survive.
                    handlerErrors.incrementAndGet();
                    log.warn("RTMFP inbox failed on a datagram from {}", from, e);
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
        if (!writeUnlessReleased(s, datagram)) {
            // This address's IoSession is being closed and MINA hands it out until it is gone; a
            // write queued behind its close would be dropped (and reported written). Send once it
            // is gone, on a fresh one: the recycler forgets a session before its close future fires.
            s.getCloseFuture().addListener(f -> send(local, to, datagram));
            return;
        }
        if (!keepPeer.test(to)) {
            release(s);
        }
    }

    /** Writes unless {@link #release} got there first; the lock orders the write before the close. */
    private boolean writeUnlessReleased(IoSession s, byte[] datagram) {
        synchronized (s) {
            if (s.containsAttribute(RELEASED) || s.isClosing()) {
                return false;
            }
            try {
                s.write(IoBuffer.wrap(datagram));
            } catch (RuntimeException e) {
                handlerErrors.incrementAndGet(); // lost as on any network; RTMFP senders retransmit
            }
            return true;
        }
    }

    /** Closes an address's IoSession after the writes already queued on it (once only). */
    private void release(IoSession s) {
        synchronized (s) {
            if (s.setAttributeIfAbsent(RELEASED, Boolean.TRUE) == null) {
                s.closeOnFlush();
            }
        }
    }

    /**
     * The bound address a session's local address stands for. A wildcard socket reports its
     * sessions' local address as the IPv6 wildcard while MINA keys it by the address it was
     * bound with (0.0.0.0): newSession wants the latter. Likewise MINA keys a socket bound to
     * an IPv4-compatible IPv6 address, i.e. {@code ::1} (= {@code ::0.0.0.1}), by the IPv4
     * address of its last four bytes (0.0.0.1) while its sessions report {@code ::1}.
     */
    private SocketAddress boundAddress(InetSocketAddress local) {
        Set<SocketAddress> bound = acceptor.getLocalAddresses();
        if (bound.contains(local)) {
            return local;
        }
        if (local.getAddress() instanceof Inet6Address v6 && v6.isIPv4CompatibleAddress()) {
            try {
                InetSocketAddress key = new InetSocketAddress(
                        InetAddress.getByAddress(Arrays.copyOfRange(v6.getAddress(), 12, 16)), local.getPort());
                if (bound.contains(key)) {
                    return key;
                }
            } catch (UnknownHostException e) {
                throw new AssertionError(e); // four bytes are always an IPv4 address
            }
        }
        if (!local.getAddress().isAnyLocalAddress()) {
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
    /** Datagrams per source address (the status page's busiest sources). */
    public SourceTally sources() {
        return sources;
    }

    public int peerCount() {
        return acceptor.getManagedSessionCount();
    }

    public long handlerErrors() {
        return handlerErrors.get();
    }

    @Override
    public void close() {
        acceptor.unbind();
        acceptor.dispose(false);
        ioThreads.shutdown();
        try {
            ioThreads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
