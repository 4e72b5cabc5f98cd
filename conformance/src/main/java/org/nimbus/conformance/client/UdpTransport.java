package org.nimbus.conformance.client;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/** A UDP socket with deadline-based receive, the only I/O the kit does. */
public final class UdpTransport implements AutoCloseable {
    /** A received datagram and its source. */
    public record Datagram(byte[] bytes, InetSocketAddress from) {
    }

    private final DatagramSocket socket;
    private final byte[] buf = new byte[65536];

    public UdpTransport() throws IOException {
        this(new DatagramSocket());
    }

    public UdpTransport(DatagramSocket socket) {
        this.socket = socket;
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    public void send(byte[] datagram, InetSocketAddress to) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, to));
    }

    /** Next datagram before {@code deadlineNanos} (System.nanoTime clock), or null. */
    public Datagram receive(long deadlineNanos) throws IOException {
        long waitMs = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
        if (deadlineNanos - System.nanoTime() <= 0) {
            waitMs = 1;
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, waitMs));
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return new Datagram(Arrays.copyOf(p.getData(), p.getLength()), (InetSocketAddress) p.getSocketAddress());
    }

    @Override
    public void close() {
        socket.close();
    }
}
