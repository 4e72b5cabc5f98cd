package org.nimbus.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.nimbus.config.BindAddresses;
import org.nimbus.rtmfp.session.DatagramOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RTMFP UDP edge on the JDK's non-blocking {@link DatagramChannel}s: one channel per bound
 * address, all read by one I/O thread through a {@link Selector}. Each datagram is copied out and
 * handed to the protocol core with a reply path that sends from the address it came in on. UDP
 * has no connections, and this edge keeps no state per remote address: spoofed sources and
 * floods leave nothing behind, and a handshake costs the edge one copy each way. (It ran on
 * MINA's datagram acceptor once; that kept an IoSession per remote address whose creation, idle
 * scans and expiry cost more CPU per short session than its handshake's key agreement:
 * BENCHMARKS.md, "Handshake CPU".)
 */
public final class UdpTransport implements AutoCloseable, LoopIo {
    private static final Logger log = LoggerFactory.getLogger(UdpTransport.class);
    /** RFC 7016 datagrams stay under a path MTU; anything longer than this is not RTMFP and is cut. */
    private static final int RECEIVE_SIZE = 8192;
    private static final int SOCKET_BUFFER_BYTES = 1 << 20;
    private static final Runnable NOTHING = () -> {
    };

    private final Inbox inbox;
    private final List<DatagramChannel> channels = new ArrayList<>();
    private final AtomicLong handlerErrors = new AtomicLong();
    private Selector selector;
    private Thread reader;
    private volatile boolean closed;
    private final SourceTally sources = new SourceTally();
    /** {@link #drain}'s buffer: drain runs on one thread only (the loop's). */
    private final ByteBuffer pollBuffer = ByteBuffer.allocateDirect(RECEIVE_SIZE);

    /** @param inbox gets every datagram, with the reply path of the address it arrived on, from the transport's own thread */
    public UdpTransport(Inbox inbox) {
        this.inbox = inbox;
    }

    /** A transport that the loop reads itself ({@link #bindPolled}). */
    public UdpTransport() {
        this.inbox = null;
    }

    /** Binds every address and starts reading; on failure nothing stays bound and the error names the address. */
    public void bind(List<InetSocketAddress> addresses) throws IOException {
        if (inbox == null) {
            throw new IllegalStateException("a transport without an inbox is read by its loop: bindPolled");
        }
        open(addresses);
        reader = new Thread(this::read, "nimbus-rtmfp-udp");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Binds every address without a thread of its own: the {@link RtmfpLoop} reads the sockets
     * itself ({@link #drain}, {@link #await}), so a datagram wakes one thread, not two (the
     * hand-off between a reader and the loop cost each datagram two context switches, a tenth of
     * the server's CPU per handshake). The kernel's socket buffer is then the only queue: what
     * arrives while the loop is busy waits there, and a flood beyond it is dropped by the kernel.
     */
    public void bindPolled(List<InetSocketAddress> addresses) throws IOException {
        open(addresses);
    }

    private void open(List<InetSocketAddress> addresses) throws IOException {
        try {
            selector = Selector.open();
            for (InetSocketAddress a : addresses) {
                DatagramChannel ch = DatagramChannel.open();
                channels.add(ch);
                ch.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
                ch.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
                // a wildcard bind is the dual-stack one: IPv6 and IPv4 (mapped) on one socket
                ch.bind(a);
                ch.configureBlocking(false);
                ch.register(selector, SelectionKey.OP_READ, ch);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw new IOException("cannot bind RTMFP UDP " + BindAddresses.describe(addresses) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int drain(int max, Inbox to) {
        int n = 0;
        boolean more = true;
        // one datagram per channel in turn, so a busy address does not starve the others
        while (more && n < max) {
            more = false;
            for (DatagramChannel ch : channels) {
                pollBuffer.clear();
                SocketAddress from = receive(ch, pollBuffer);
                if (from != null) {
                    byte[] data = new byte[pollBuffer.flip().remaining()];
                    pollBuffer.get(data);
                    sources.count(((InetSocketAddress) from).getAddress());
                    to.offer((InetSocketAddress) from, data, (t, datagram) -> send(ch, t, datagram), NOTHING);
                    n++;
                    more = true;
                }
            }
        }
        return n;
    }

    @Override
    public void await(long millis) {
        try {
            selector.select(Math.max(1, millis));
            selector.selectedKeys().clear();
        } catch (IOException | ClosedSelectorException e) {
            if (!closed) {
                handlerErrors.incrementAndGet();
            }
        }
    }

    @Override
    public void wakeup() {
        if (selector != null) {
            selector.wakeup();
        }
    }

    /** The I/O thread: drains every readable channel into the inbox. */
    private void read() {
        ByteBuffer buf = ByteBuffer.allocateDirect(RECEIVE_SIZE);
        while (!closed) {
            try {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    DatagramChannel ch = (DatagramChannel) key.attachment();
                    SocketAddress from;
                    while ((from = receive(ch, buf)) != null) {
                        byte[] data = new byte[buf.flip().remaining()];
                        buf.get(data);
                        offer((InetSocketAddress) from, data, ch);
                    }
                }
                selector.selectedKeys().clear();
            } catch (ClosedSelectorException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    handlerErrors.incrementAndGet();
                    log.warn("RTMFP UDP read failed", e);
                }
            }
        }
    }

    private SocketAddress receive(DatagramChannel ch, ByteBuffer buf) {
        buf.clear();
        try {
            return ch.receive(buf);
        } catch (IOException e) {
            // e.g. an ICMP port-unreachable reported on the socket: the next datagram is fine
            handlerErrors.incrementAndGet();
            return null;
        }
    }

    private void offer(InetSocketAddress from, byte[] data, DatagramChannel ch) {
        DatagramOutput replies = (to, datagram) -> send(ch, to, datagram);
        sources.count(from.getAddress());
        try {
            inbox.offer(from, data, replies, NOTHING);
        } catch (RuntimeException e) {
            // The inbox promises not to throw; if it does, the I/O thread must survive.
            handlerErrors.incrementAndGet();
            log.warn("RTMFP inbox failed on a datagram from {}", from, e);
        }
    }

    /**
     * Sends from the channel a datagram came in on; any thread may call it. A full socket buffer
     * or an unreachable address loses the datagram, as the network may: RTMFP retransmits.
     */
    private void send(DatagramChannel ch, InetSocketAddress to, byte[] datagram) {
        try {
            if (ch.send(ByteBuffer.wrap(datagram), to) == 0) {
                handlerErrors.incrementAndGet();
            }
        } catch (IOException | RuntimeException e) {
            handlerErrors.incrementAndGet();
        }
    }

    /**
     * A path that sends from the {@code index}-th address given to {@link #bind}: for datagrams
     * that answer nothing received (the connectivity check's probes).
     */
    public DatagramOutput output(int index) {
        DatagramChannel ch = channels.get(index);
        return (to, datagram) -> send(ch, to, datagram);
    }

    /** Datagrams per source address (the status page's busiest sources). */
    public SourceTally sources() {
        return sources;
    }

    /** Datagrams the edge could not take or send (socket errors, full buffers); 0 on a healthy host. */
    public long handlerErrors() {
        return handlerErrors.get();
    }

    @Override
    public void close() {
        closed = true;
        if (selector != null) {
            selector.wakeup();
        }
        if (reader != null && reader != Thread.currentThread()) {
            try {
                reader.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (DatagramChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        channels.clear();
        if (selector != null) {
            try {
                selector.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
