package org.nimbus.conformance.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.nimbus.conformance.client.ConnectOptions;
import org.nimbus.conformance.client.Handshake;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.RtmfpException;
import org.nimbus.conformance.client.RtmfpUri;
import org.nimbus.conformance.client.Session;

/**
 * {@code mix=introduce}: {@code sessions} targets connect to the server and serve introductions
 * ({@link IntroductionTargets}); then IHellos naming random targets' peer IDs (RFC 7016
 * §3.5.1.1.2) go out at {@code rate} per second for {@code duration} from a few initiator
 * sockets, and the IHello→Redirect latency is measured from each one's due time. One
 * introduction in {@link #DIRECT_EVERY} (the first included) goes all the way instead: a
 * handshake with the target through the server (Redirect, the target's RHello, IIKeying, its
 * RIKeying), then a Ping on the direct session; its latency is due→session up. "Peer gone"
 * Redirects and timeouts are failures, counted apart.
 */
final class IntroduceMix implements LoadMix {
    /** Initiator sockets the IHellos are spread over (each also receives the targets' RHellos). */
    static final int SOCKETS = 16;
    static final int DIRECT_EVERY = 50;
    static final int DIRECT_WORKERS = 8;
    /** The one IHello retransmission, as the kit's handshakes do it (RFC 7016 §3.5.1.1.1). */
    static final long RETRANSMIT_NANOS = 1_000_000_000L;

    @Override
    public long run(LoadContext c) throws Exception {
        IntroductionTargets targets = new IntroductionTargets();
        targets.open(c, c.spec().sessions());
        c.out().println(targets.summary(c.spec().sessions()));
        List<byte[]> ids = targets.peerIds();
        long failures = targets.failed();
        try {
            if (!ids.isEmpty()) {
                failures += introduce(c, ids, targets);
            }
        } finally {
            targets.stop(c);
        }
        c.out().printf(Locale.ROOT, "targets lost while serving: %d%n", targets.lost());
        if (targets.firstError() != null) {
            c.out().println("first target failure: " + targets.firstError());
        }
        return failures + targets.lost();
    }

    private long introduce(LoadContext c, List<byte[]> ids, IntroductionTargets targets) throws Exception {
        RtmfpUri server = RtmfpUri.parse(c.uri());
        Latency redirect = new Latency("IHello→Redirect");
        Latency direct = new Latency("direct session");
        AtomicLong directOk = new AtomicLong();
        AtomicLong directGone = new AtomicLong();
        AtomicLong directFailed = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        List<InitiatorSocket> sockets = new ArrayList<>();
        List<Thread> receivers = new ArrayList<>();
        ExecutorService directs = Executors.newFixedThreadPool(DIRECT_WORKERS);
        ConnectOptions ihelloOptions = c.options();
        long sent = 0;
        long directStarted = 0;
        long t0;
        try {
            for (int k = 0; k < SOCKETS; k++) {
                InitiatorSocket s = new InitiatorSocket(server.socketAddress(),
                        new IntroductionLedger(RETRANSMIT_NANOS, c.timeout().toNanos(), redirect));
                sockets.add(s);
                Thread t = new Thread(s, "load-initiator-" + k);
                t.setDaemon(true);
                receivers.add(t);
                t.start();
            }
            t0 = System.nanoTime();
            Pacer pacer = new Pacer(t0, c.spec().rate(), c.spec().duration().toNanos());
            for (long i = 0, due; (due = pacer.due(i)) >= 0; i++) {
                Pacer.until(due);
                byte[] peerId = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
                if (i % DIRECT_EVERY == 0) {
                    directStarted++;
                    long dueAt = due;
                    directs.execute(() -> {
                        try {
                            direct.recordNanos(directSession(c, server, peerId) - dueAt);
                            directOk.incrementAndGet();
                        } catch (RtmfpException e) {
                            (e.getMessage().contains("peer gone") ? directGone : directFailed).incrementAndGet();
                            firstError.compareAndSet(null, "direct session: " + e.getMessage());
                        } catch (Exception e) {
                            directFailed.incrementAndGet();
                            firstError.compareAndSet(null, "direct session: " + e);
                        }
                    });
                } else {
                    InitiatorSocket s = sockets.get((int) (sent % SOCKETS));
                    Handshake h = Handshake.toPeer(s.transport(), server, peerId, ihelloOptions);
                    s.send(h.tag(), due, h.ihelloDatagram());
                    sent++;
                }
            }
        } finally {
            sockets.forEach(InitiatorSocket::senderDone);
            for (Thread t : receivers) {
                t.join(c.timeout().toMillis() * 2 + 1000);
            }
            directs.shutdown();
            directs.awaitTermination(c.timeout().toMillis() * 4, TimeUnit.MILLISECONDS);
            sockets.forEach(InitiatorSocket::close);
        }
        double seconds = c.spec().duration().toNanos() / 1e9;
        long introduced = 0, gone = 0, timedOut = 0, retransmitted = 0, rhellos = 0, unmatched = 0, unsettled = 0;
        for (InitiatorSocket s : sockets) {
            introduced += s.ledger().introduced();
            gone += s.ledger().peerGone();
            timedOut += s.ledger().timedOut();
            retransmitted += s.ledger().retransmissions();
            unsettled += s.ledger().outstanding();
            rhellos += s.targetRHellos();
            unmatched += s.unmatched();
            if (s.error() != null) {
                firstError.compareAndSet(null, "initiator socket: " + s.error());
            }
        }
        c.out().printf(Locale.ROOT, "introductions: %d IHellos to %d targets over %.2f s: %d redirected (%.1f/s), "
                        + "%d peer gone, %d timed out, %d unsettled; %d retransmitted; %d unmatched datagrams%n",
                sent, ids.size(), seconds, introduced, introduced / seconds, gone, timedOut, unsettled, retransmitted, unmatched);
        c.out().printf(Locale.ROOT, "targets reached: %d RHellos from targets answering Forwarded IHellos%n", rhellos);
        c.out().println(redirect.line());
        c.out().printf(Locale.ROOT, "direct sessions (1 in %d): %d started, %d up with a Ping answered, %d peer gone, "
                        + "%d failed; targets accepted %d%n", DIRECT_EVERY, directStarted, directOk.get(), directGone.get(),
                directFailed.get(), targets.accepted());
        c.out().println(direct.line());
        if (firstError.get() != null) {
            c.out().println("first failure: " + firstError.get());
        }
        return gone + timedOut + unsettled + directGone.get() + directFailed.get()
                + (directStarted - directOk.get() - directGone.get() - directFailed.get());
    }

    /** A whole introduction to the target, then a Ping on the direct session; returns when it was up. */
    private static long directSession(LoadContext c, RtmfpUri server, byte[] peerId) throws Exception {
        try (RtmfpClient client = new RtmfpClient()) {
            Session s = Handshake.toPeer(client.transport(), server, peerId, c.options()).run();
            long up = System.nanoTime();
            s.ping(c.timeout());
            s.close(c.timeout());
            return up;
        }
    }
}
