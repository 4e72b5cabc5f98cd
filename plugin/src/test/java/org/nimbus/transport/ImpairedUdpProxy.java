package org.nimbus.transport;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP relay between one client and a server, like a NAT: the client talks to one socket, the
 * server sees another. It can lose, reorder and duplicate datagrams with given probabilities
 * (seeded, so a failure can be replayed; reordering holds a datagram back and sends it after the
 * next one), and {@link #rebind()} moves the server side to a new source port, as a NAT that
 * drops a mapping does. With a jitter, every datagram that passes waits a uniform random 0 to
 * jitter milliseconds before it is sent (so datagrams also overtake each other), as netem's
 * {@code delay 0ms Jms} would; this kernel has no sch_netem, so the impairment is done here, in
 * user space, on real UDP sockets.
 */
final class ImpairedUdpProxy implements AutoCloseable {
    private final DatagramSocket clientSide;
    private volatile DatagramSocket serverSide;
    private final InetSocketAddress server;
    private final double loss;
    private final double reorder;
    private final double duplicate;
    private final long jitterNanos;
    private final DelayQueue<Due> due = new DelayQueue<>();
    private final Random random;
    private volatile InetSocketAddress client;
    private final List<DatagramPacket> heldBack = new ArrayList<>(2);
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong reordered = new AtomicLong();
    final AtomicLong duplicated = new AtomicLong();
    final AtomicLong forwarded = new AtomicLong();

    ImpairedUdpProxy(InetSocketAddress server, double loss, double reorder, double duplicate, long seed)
            throws SocketException {
        this(server, loss, reorder, duplicate, Duration.ZERO, seed);
    }

    ImpairedUdpProxy(InetSocketAddress server, double loss, double reorder, double duplicate, Duration jitter, long seed)
            throws SocketException {
        this.jitterNanos = jitter.toNanos();
        this.clientSide = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.server = server;
        this.loss = loss;
        this.reorder = reorder;
        this.duplicate = duplicate;
        this.random = new Random(seed);
        start(() -> pump(clientSide, true), "proxy-from-client");
        bindServerSide();
        if (jitterNanos > 0) {
            start(this::sendDue, "proxy-jitter");
        }
    }

    /** A datagram waiting out its jitter. */
    private record Due(long atNanos, DatagramSocket out, DatagramPacket packet) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(atNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(atNanos, ((Due) o).atNanos);
        }
    }

    private void sendDue() {
        while (!closed) {
            Due d;
            try {
                d = due.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (d != null) {
                try {
                    // a datagram to the server leaves from the server side as it is now (rebind)
                    (d.out() == clientSide ? clientSide : serverSide).send(d.packet());
                } catch (IOException e) {
                    // closed or rebound meanwhile: lost, as on a real path
                }
            }
        }
    }

    /** A transparent relay (no impairment) whose server side can be rebound. */
    static ImpairedUdpProxy nat(InetSocketAddress server) throws SocketException {
        return new ImpairedUdpProxy(server, 0, 0, 0, 0);
    }

    int port() {
        return clientSide.getLocalPort();
    }

    /** The address the server sees now. */
    InetSocketAddress serverSideAddress() {
        return (InetSocketAddress) serverSide.getLocalSocketAddress();
    }

    /** Moves the server side to a new source port; the old mapping is gone. */
    synchronized void rebind() throws SocketException {
        DatagramSocket old = serverSide;
        bindServerSide();
        old.close();
    }

    private void bindServerSide() throws SocketException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        serverSide = s;
        start(() -> pump(s, false), "proxy-from-server");
    }

    private void start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private void pump(DatagramSocket from, boolean fromClient) {
        byte[] buf = new byte[65536];
        while (!closed && !from.isClosed()) {
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            try {
                from.receive(in);
            } catch (IOException e) {
                return;
            }
            byte[] data = Arrays.copyOf(in.getData(), in.getLength());
            try {
                if (fromClient) {
                    client = (InetSocketAddress) in.getSocketAddress();
                    impair(serverSide, new DatagramPacket(data, data.length, server));
                } else if (client != null) {
                    impair(clientSide, new DatagramPacket(data, data.length, client));
                }
            } catch (IOException e) {
                // the server side was rebound under us: this datagram is lost, as in a real NAT
            }
        }
    }

    private synchronized void impair(DatagramSocket out, DatagramPacket p) throws IOException {
        if (random.nextDouble() < loss) {
            dropped.incrementAndGet();
            return;
        }
        if (random.nextDouble() < reorder && heldBack.isEmpty()) {
            heldBack.add(p);
            reordered.incrementAndGet();
            return;
        }
        send(out, p);
        if (random.nextDouble() < duplicate) {
            duplicated.incrementAndGet();
            send(out, p);
        }
        for (DatagramPacket late : heldBack) {
            send(late.getSocketAddress().equals(server) ? serverSide : clientSide, late);
        }
        heldBack.clear();
    }

    private void send(DatagramSocket out, DatagramPacket p) throws IOException {
        forwarded.incrementAndGet();
        if (jitterNanos > 0) {
            due.add(new Due(System.nanoTime() + (long) (random.nextDouble() * jitterNanos), out, p));
        } else {
            out.send(p);
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        clientSide.close();
        serverSide.close();
        for (Thread t : threads) {
            t.join(2000);
        }
    }
}
