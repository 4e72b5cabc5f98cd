package org.nimbus.ratelimit;

/**
 * A token bucket: {@code perSecond} tokens a second, bursts of as many (0: none ever); it starts
 * full. The one rate limit of Nimbus: new sessions per source, introductions per source and per
 * target (both through {@link KeyedRateLimiter}) and relayed registry sends per connection. Time
 * is the caller's, in milliseconds; a clock that steps back adds nothing. Not thread-safe: one
 * thread (the RTMFP loop) or the caller's lock.
 */
public final class TokenBucket {
    private final int perSecond;
    private double tokens;
    private long at;

    public TokenBucket(int perSecond, long nowMillis) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("negative rate: " + perSecond);
        }
        this.perSecond = perSecond;
        this.tokens = perSecond;
        this.at = nowMillis;
    }

    /** Takes one token if there is one; false means over the limit. */
    public boolean tryTake(long nowMillis) {
        if (nowMillis > at) {
            tokens = Math.min(perSecond, tokens + (nowMillis - at) * perSecond / 1000.0);
            at = nowMillis;
        }
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    public int perSecond() {
        return perSecond;
    }
}
