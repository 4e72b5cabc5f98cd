package org.nimbus.conformance.load;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.nimbus.conformance.client.UdpTransport;
import org.nimbus.conformance.wire.Chunk;
import org.nimbus.conformance.wire.ChunkType;
import org.nimbus.conformance.wire.CryptoDirection;
import org.nimbus.conformance.wire.DatagramCodec;
import org.nimbus.conformance.wire.Redirect;
import org.nimbus.conformance.wire.WireFormatException;

/**
 * One initiator socket of {@code mix=introduce}: IHellos naming peers go out from it (sent by the
 * mix's pacing thread), and its own thread receives what comes back: Redirects, settled in its
 * {@link IntroductionLedger}, and the RHellos targets send after their Forwarded IHello (counted:
 * the introduction reached the target). It retransmits and expires IHellos as the ledger says,
 * and stops once the sender is done and nothing is outstanding.
 */
final class InitiatorSocket implements Runnable, AutoCloseable {
    private static final long SWEEP_NANOS = 50_000_000L;
    /** Asked of the kernel (which caps it at net.core.rmem_max): Redirects and RHellos arrive in bursts. */
    private static final int RECEIVE_BUFFER_BYTES = 4 << 20;

    private final UdpTransport transport;
    private final InetSocketAddress server;
    private final IntroductionLedger ledger;
    private final AtomicLong targetRHellos = new AtomicLong();
    private final AtomicLong unmatched = new AtomicLong();
    private volatile boolean senderDone;
    private volatile String error;

    InitiatorSocket(InetSocketAddress server, IntroductionLedger ledger) throws IOException {
        DatagramSocket socket = new DatagramSocket();
        socket.setReceiveBufferSize(RECEIVE_BUFFER_BYTES);
        this.transport = new UdpTransport(socket);
        this.server = server;
        this.ledger = ledger;
    }

    UdpTransport transport() {
        return transport;
    }

    /** Sends one IHello (called by the pacing thread). */
    void send(byte[] tag, long dueNanos, byte[] ihello) throws IOException {
        ledger.sent(tag, dueNanos, System.nanoTime(), ihello);
        transport.send(ihello, server);
    }

    /** No more IHellos will be sent: the receiver ends once the outstanding ones are settled. */
    void senderDone() {
        senderDone = true;
    }

    @Override
    public void run() {
        try {
            long nextSweep = System.nanoTime() + SWEEP_NANOS;
            while (!(senderDone && ledger.outstanding() == 0)) {
                UdpTransport.Datagram d = transport.receive(nextSweep);
                if (d != null) {
                    onDatagram(d);
                }
                long now = System.nanoTime();
                if (now - nextSweep >= 0) {
                    for (byte[] again : ledger.sweep(now)) {
                        transport.send(again, server);
                    }
                    nextSweep = now + SWEEP_NANOS;
                }
            }
        } catch (IOException e) {
            error = e.toString();
        }
    }

    private void onDatagram(UdpTransport.Datagram d) {
        try {
            DatagramCodec.Decoded dec = DatagramCodec.decode(d.bytes(), CryptoDirection.startup());
            for (Chunk c : dec.packet().chunks()) {
                if (c.type() == ChunkType.REDIRECT) {
                    if (ledger.onRedirect(Redirect.decode(c.payload()), System.nanoTime()) == IntroductionLedger.Outcome.UNMATCHED) {
                        unmatched.incrementAndGet();
                    }
                } else if (c.type() == ChunkType.RHELLO) {
                    targetRHellos.incrementAndGet();
                }
            }
        } catch (WireFormatException e) {
            unmatched.incrementAndGet();
        }
    }

    IntroductionLedger ledger() {
        return ledger;
    }

    /** RHellos received from targets answering their Forwarded IHellos. */
    long targetRHellos() {
        return targetRHellos.get();
    }

    /** Datagrams that settled nothing: late or repeated Redirects, undecodable ones. */
    long unmatched() {
        return unmatched.get();
    }

    /** The I/O error that ended the receiver, or null. */
    String error() {
        return error;
    }

    @Override
    public void close() {
        transport.close();
    }
}
