package org.nimbus.conformance.load;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.nimbus.conformance.client.PeerResponder;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.Session;

/**
 * The targets of {@code mix=introduce}: sessions with the server, each on its own socket and
 * thread, that serve as a Flash peer online does ({@link PeerResponder#serve}: the server's
 * pings, Forwarded IHellos answered with RHellos, direct sessions accepted) until {@link #stop}
 * closes them politely. Their peer IDs are what the initiators ask for.
 */
final class IntroductionTargets {
    /** Stack per serving thread: the serve loop is shallow, and there may be 10 000 of them. */
    private static final long STACK_BYTES = 256 * 1024;

    private record Target(int port, Thread thread) {
    }

    private final List<Target> targets = new ArrayList<>();
    private final List<byte[]> peerIds = new ArrayList<>();
    private final Latency handshake = new Latency("target handshake");
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private volatile boolean serving = true;
    private double openSeconds;

    /** Opens {@code count} targets, {@link HandshakeMix#MAX_IN_FLIGHT} handshakes at a time. */
    void open(LoadContext c, int count) throws InterruptedException {
        ExecutorService openers = Executors.newFixedThreadPool(Math.min(HandshakeMix.MAX_IN_FLIGHT, count));
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            final int n = i;
            openers.execute(() -> openOne(c, n));
        }
        openers.shutdown();
        openers.awaitTermination(c.timeout().toMillis() * 4L * (1 + count / HandshakeMix.MAX_IN_FLIGHT), TimeUnit.MILLISECONDS);
        openSeconds = (System.nanoTime() - t0) / 1e9;
    }

    private void openOne(LoadContext c, int n) {
        RtmfpClient client = null;
        try {
            client = new RtmfpClient();
            long t = System.nanoTime();
            Session s = client.connect(c.uri(), c.options());
            handshake.recordNanos(System.nanoTime() - t);
            PeerResponder responder = new PeerResponder(client, s);
            RtmfpClient owner = client;
            Thread thread = new Thread(null, () -> serve(c, owner, s, responder), "load-target-" + n, STACK_BYTES);
            thread.setDaemon(true);
            synchronized (this) {
                targets.add(new Target(client.transport().localPort(), thread));
                peerIds.add(s.info().peerId());
            }
            thread.start();
        } catch (Exception e) {
            failed.incrementAndGet();
            firstError.compareAndSet(null, "target handshake: " + e);
            if (client != null) {
                client.close();
            }
        }
    }

    private void serve(LoadContext c, RtmfpClient client, Session s, PeerResponder responder) {
        try {
            responder.serve(() -> serving, direct -> accepted.incrementAndGet());
            if (s.state() == Session.State.CLOSED_BY_PEER) {
                throw new IllegalStateException("server closed the session");
            }
            s.close(c.timeout());
        } catch (Exception e) {
            lost.incrementAndGet();
            firstError.compareAndSet(null, "target while serving: " + e);
        } finally {
            client.close();
        }
    }

    /** The peer IDs of the targets opened. */
    synchronized List<byte[]> peerIds() {
        return List.copyOf(peerIds);
    }

    /**
     * Ends serving: an empty datagram wakes each target's loop, which sees the flag, closes its
     * session and its socket. Waits for them (a target whose wake-up got lost stops within
     * {@link PeerResponder#STOP_CHECK}).
     */
    void stop(LoadContext c) throws InterruptedException, IOException {
        serving = false;
        List<Target> all;
        synchronized (this) {
            all = List.copyOf(targets);
        }
        try (DatagramSocket waker = new DatagramSocket()) {
            for (Target t : all) {
                waker.send(new DatagramPacket(new byte[0], 0,
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), t.port())));
            }
        }
        long deadline = System.nanoTime() + PeerResponder.STOP_CHECK.toNanos() + c.timeout().toNanos() * 2;
        for (Target t : all) {
            t.thread().join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
    }

    /** One line: targets opened and failed, then the handshake latency. */
    String summary(int asked) {
        return String.format(Locale.ROOT, "targets: %d asked, %d opened, %d failed in %.2f s; each serves on its own socket%n%s",
                asked, peerIds().size(), failed.get(), openSeconds, handshake.line());
    }

    long failed() {
        return failed.get();
    }

    /** Targets whose session ended while serving (closed by the server, or an I/O error). */
    long lost() {
        return lost.get();
    }

    /** Direct sessions the targets accepted (their first packet arrived). */
    long accepted() {
        return accepted.get();
    }

    String firstError() {
        return firstError.get();
    }
}
