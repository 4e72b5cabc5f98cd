package org.nimbus.transport;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP relay between one client and a server that loses, reorders and duplicates datagrams
 * with given probabilities (seeded, so a failure can be replayed). Reordering holds a datagram
 * back and sends it after the next one in the same direction.
 */
final class ImpairedUdpProxy implements AutoCloseable {
    private final DatagramSocket socket;
    private final InetSocketAddress server;
    private final double loss;
    private final double reorder;
    private final double duplicate;
    private final Random random;
    private volatile InetSocketAddress client;
    private final List<DatagramPacket> heldBack = new ArrayList<>(2);
    private final Thread thread;
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong reordered = new AtomicLong();
    final AtomicLong duplicated = new AtomicLong();
    final AtomicLong forwarded = new AtomicLong();

    ImpairedUdpProxy(InetSocketAddress server, double loss, double reorder, double duplicate, long seed)
            throws SocketException {
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.server = server;
        this.loss = loss;
        this.reorder = reorder;
        this.duplicate = duplicate;
        this.random = new Random(seed);
        this.thread = new Thread(this::run, "impaired-proxy");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void run() {
        byte[] buf = new byte[65536];
        while (!socket.isClosed()) {
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(in);
            } catch (IOException e) {
                return;
            }
            InetSocketAddress from = (InetSocketAddress) in.getSocketAddress();
            InetSocketAddress to;
            if (from.equals(server)) {
                to = client;
                if (to == null) {
                    continue;
                }
            } else {
                client = from;
                to = server;
            }
            byte[] data = Arrays.copyOf(in.getData(), in.getLength());
            try {
                impair(new DatagramPacket(data, data.length, to));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void impair(DatagramPacket p) throws IOException {
        double r = random.nextDouble();
        if (r < loss) {
            dropped.incrementAndGet();
            return;
        }
        if (random.nextDouble() < reorder && heldBack.isEmpty()) {
            heldBack.add(p);
            reordered.incrementAndGet();
            return;
        }
        send(p);
        if (random.nextDouble() < duplicate) {
            duplicated.incrementAndGet();
            send(p);
        }
        for (DatagramPacket late : heldBack) {
            send(late);
        }
        heldBack.clear();
    }

    private void send(DatagramPacket p) throws IOException {
        forwarded.incrementAndGet();
        socket.send(p);
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(2000);
    }
}
