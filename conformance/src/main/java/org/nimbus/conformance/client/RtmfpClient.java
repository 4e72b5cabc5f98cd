package org.nimbus.conformance.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Entry point of the kit: one UDP socket, from which handshakes and sessions are made.
 * <pre>
 * try (RtmfpClient c = new RtmfpClient()) {
 *     Session s = c.connect("rtmfp://127.0.0.1:1935/live", ConnectOptions.defaults());
 *     ...
 * }
 * </pre>
 */
public final class RtmfpClient implements AutoCloseable {
    private final UdpTransport transport;

    public RtmfpClient() throws IOException {
        this(new UdpTransport());
    }

    public RtmfpClient(UdpTransport transport) {
        this.transport = transport;
    }

    public UdpTransport transport() {
        return transport;
    }

    /** Runs the whole handshake (retransmitting, following redirects and cookie changes). */
    public Session connect(String uri, ConnectOptions options) throws IOException, RtmfpException {
        return handshake(uri, options).run();
    }

    /** A handshake to drive step by step. */
    public Handshake handshake(String uri, ConnectOptions options) {
        return new Handshake(transport, RtmfpUri.parse(uri), options);
    }

    /** Raw hook: sends any bytes from this client's socket. */
    public void sendRaw(byte[] datagram, InetSocketAddress to) throws IOException {
        transport.send(datagram, to);
    }

    /** Raw hook: the next datagram, whatever it is, or null after the timeout. */
    public UdpTransport.Datagram receiveRaw(Duration timeout) throws IOException {
        return transport.receive(System.nanoTime() + timeout.toNanos());
    }

    @Override
    public void close() {
        transport.close();
    }
}
