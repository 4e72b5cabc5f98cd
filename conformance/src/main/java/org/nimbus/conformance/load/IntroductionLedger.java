package org.nimbus.conformance.load;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.nimbus.conformance.wire.PeerAddress;
import org.nimbus.conformance.wire.Redirect;

/**
 * The IHellos naming a peer that one initiator socket has outstanding, by tag: matches each
 * Redirect to its IHello and classifies it (introduced: it lists an address; "peer gone": none
 * usable), hands back the IHellos due for their one retransmission (the server answers an
 * unknown peer ID only when the IHello is repeated) and counts those that timed out. Latency is
 * recorded from the IHello's due time. Thread-safe: a sender adds, a receiver matches and sweeps.
 */
final class IntroductionLedger {
    enum Outcome { INTRODUCED, PEER_GONE, UNMATCHED }

    private static final class Pending {
        final long dueNanos;
        final long sentNanos;
        final byte[] datagram;
        boolean retransmitted;

        Pending(long dueNanos, long sentNanos, byte[] datagram) {
            this.dueNanos = dueNanos;
            this.sentNanos = sentNanos;
            this.datagram = datagram;
        }
    }

    private final Map<ByteBuffer, Pending> pending = new ConcurrentHashMap<>();
    private final long retransmitNanos;
    private final long timeoutNanos;
    private final Latency latency;
    private final AtomicLong introduced = new AtomicLong();
    private final AtomicLong peerGone = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong retransmissions = new AtomicLong();

    IntroductionLedger(long retransmitNanos, long timeoutNanos, Latency latency) {
        this.retransmitNanos = retransmitNanos;
        this.timeoutNanos = timeoutNanos;
        this.latency = latency;
    }

    /** Records an IHello (its tag and datagram) sent at {@code sentNanos} for the op due at {@code dueNanos}. */
    void sent(byte[] tag, long dueNanos, long sentNanos, byte[] datagram) {
        pending.put(ByteBuffer.wrap(tag.clone()), new Pending(dueNanos, sentNanos, datagram));
    }

    /** Settles the IHello this Redirect answers; UNMATCHED for a late, repeated or foreign one. */
    Outcome onRedirect(Redirect r, long nowNanos) {
        Pending p = pending.remove(ByteBuffer.wrap(r.tagEcho()));
        if (p == null) {
            return Outcome.UNMATCHED;
        }
        if (r.destinations().stream().allMatch(PeerAddress::isEmpty)) {
            peerGone.incrementAndGet();
            return Outcome.PEER_GONE;
        }
        latency.recordNanos(nowNanos - p.dueNanos);
        introduced.incrementAndGet();
        return Outcome.INTRODUCED;
    }

    /**
     * Drops (and counts) the IHellos unanswered {@code timeout} after they were sent, and returns
     * the datagrams of those unanswered {@code retransmit} after, once each, to be sent again.
     */
    List<byte[]> sweep(long nowNanos) {
        List<byte[]> again = new ArrayList<>();
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            long age = nowNanos - p.sentNanos;
            if (age >= timeoutNanos) {
                it.remove();
                timedOut.incrementAndGet();
            } else if (age >= retransmitNanos && !p.retransmitted) {
                p.retransmitted = true;
                retransmissions.incrementAndGet();
                again.add(p.datagram);
            }
        }
        return again;
    }

    int outstanding() {
        return pending.size();
    }

    long introduced() {
        return introduced.get();
    }

    long peerGone() {
        return peerGone.get();
    }

    long timedOut() {
        return timedOut.get();
    }

    long retransmissions() {
        return retransmissions.get();
    }
}
