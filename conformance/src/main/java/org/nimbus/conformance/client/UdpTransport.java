package org.nimbus.conformance.client;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.function.Predicate;
import org.nimbus.conformance.wire.DatagramCodec;

/**
 * A UDP socket with deadline-based receive, the only I/O the kit does. One socket can carry
 * several conversations at once, as a Flash peer's does (its server session, the startup
 * handshakes of peer-to-peer sessions, and those sessions): each receiver takes only datagrams
 * addressed to a session ID it {@link #claim claimed}, and what it does not take waits in a
 * small backlog for the receiver it belongs to (RFC 7016 §2.2.1: the session ID selects the
 * session; 0 selects the startup handshake).
 */
public final class UdpTransport implements AutoCloseable {
    /** A received datagram and its source. */
    public record Datagram(byte[] bytes, InetSocketAddress from) {
        /** The RFC 7016 §2.2.1 session ID, or -1 for a datagram too short to carry one. */
        public long sessionId() {
            return bytes.length < 12 ? -1 : DatagramCodec.sessionId(bytes) & 0xffffffffL;
        }
    }

    /** Datagrams held for other receivers at most; the oldest goes first. */
    private static final int BACKLOG = 1024;

    private final DatagramSocket socket;
    /** Set when the socket is a channel's: it can then be switched to non-blocking and polled. */
    private final DatagramChannel channel;
    private final byte[] buf = new byte[65536];
    private final ArrayDeque<Datagram> backlog = new ArrayDeque<>();
    private final Set<Long> claimed = new HashSet<>();

    public UdpTransport() throws IOException {
        this(new DatagramSocket());
    }

    public UdpTransport(DatagramSocket socket) {
        this.socket = socket;
        this.channel = null;
    }

    /**
     * A transport on a datagram channel (blocking while it is used as the others are): once
     * switched to non-blocking, a selector thread serving many such transports takes datagrams
     * with {@link #poll()} and hands them to {@link Session#deliver}.
     */
    public UdpTransport(DatagramChannel channel) {
        this.socket = channel.socket();
        this.channel = channel;
    }

    /** The channel of a transport made on one, else null. */
    public DatagramChannel channel() {
        return channel;
    }

    /** Non-blocking: the next datagram waiting (backlog first), or null when none is. Channel transports only. */
    public Datagram poll() throws IOException {
        Datagram held = backlog.pollFirst();
        if (held != null) {
            return held;
        }
        ByteBuffer b = ByteBuffer.wrap(buf);
        InetSocketAddress from = (InetSocketAddress) channel.receive(b);
        return from == null ? null : new Datagram(Arrays.copyOf(buf, b.position()), from);
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    public void send(byte[] datagram, InetSocketAddress to) throws IOException {
        if (channel != null) {
            // a full send buffer drops the datagram in non-blocking mode, as the network may
            channel.send(ByteBuffer.wrap(datagram), to);
        } else {
            socket.send(new DatagramPacket(datagram, datagram.length, to));
        }
    }

    /** Marks a session ID (0: the startup handshake) as having its own receiver on this socket. */
    public void claim(int sessionId) {
        claimed.add(sessionId & 0xffffffffL);
    }

    public void release(int sessionId) {
        claimed.remove(sessionId & 0xffffffffL);
    }

    /** True when a receiver other than one for {@code mine} claimed the datagram's session ID. */
    public boolean claimedElsewhere(Datagram d, int mine) {
        long sid = d.sessionId();
        return sid != (mine & 0xffffffffL) && claimed.contains(sid);
    }

    /** Next datagram before {@code deadlineNanos} (System.nanoTime clock), or null. */
    public Datagram receive(long deadlineNanos) throws IOException {
        return receive(deadlineNanos, d -> true);
    }

    /**
     * Next datagram that {@code accept} takes, from the backlog or the socket, before the
     * deadline; the others are kept for other receivers.
     */
    public Datagram receive(long deadlineNanos, Predicate<Datagram> accept) throws IOException {
        for (Iterator<Datagram> it = backlog.iterator(); it.hasNext(); ) {
            Datagram d = it.next();
            if (accept.test(d)) {
                it.remove();
                return d;
            }
        }
        while (true) {
            Datagram d = receiveFromSocket(deadlineNanos);
            if (d == null || accept.test(d)) {
                return d;
            }
            if (backlog.size() >= BACKLOG) {
                backlog.removeFirst();
            }
            backlog.addLast(d);
        }
    }

    private Datagram receiveFromSocket(long deadlineNanos) throws IOException {
        long waitMs = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
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
