package org.nimbus.registry;

import java.time.InstantSource;
import java.util.concurrent.atomic.LongAdder;
import org.nimbus.ratelimit.KeyedRateLimiter;

/**
 * New registry connections per source address and second ({@code registry.accept_rate_per_ip},
 * a burst of as many), over every transport: checked when a connection is accepted, before it
 * costs a session, so a flood of connects from one address is refused at once while
 * {@link Admission}'s cap on open connections bounds what gets through. The buckets of the
 * least recently seen addresses are forgotten beyond {@link #MAX_ADDRESSES}, so a flood from
 * many addresses costs bounded memory. Thread-safe: transports call it from their own threads,
 * never under the service's lock.
 */
public final class AcceptRate {
    /** Addresses whose buckets are kept. */
    static final int MAX_ADDRESSES = 65_536;

    private final KeyedRateLimiter<String> limiter;
    private final InstantSource clock;
    private final LongAdder refused = new LongAdder();

    /** perSecond 0: no limit. */
    AcceptRate(int perSecond, InstantSource clock) {
        this.limiter = perSecond == 0 ? null : new KeyedRateLimiter<>(perSecond, MAX_ADDRESSES);
        this.clock = clock;
    }

    /** Whether a new connection from address (an IP literal) may proceed; false: close it unanswered. */
    public boolean tryAccept(String address) {
        if (limiter == null) {
            return true;
        }
        boolean ok;
        synchronized (limiter) {
            ok = limiter.tryAcquire(address, clock.millis());
        }
        if (!ok) {
            refused.increment();
        }
        return ok;
    }

    /** Connections refused by this limit since start. */
    public long refused() {
        return refused.sum();
    }

    int addresses() {
        synchronized (limiter == null ? this : limiter) {
            return limiter == null ? 0 : limiter.size();
        }
    }
}
