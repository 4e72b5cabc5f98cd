package org.nimbus.ratelimit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link TokenBucket} per key (a source IP, a target peer ID). Only the most recently used
 * {@code maxKeys} buckets are kept, so a flood of spoofed sources costs bounded memory; a
 * forgotten key starts again with a full bucket, which is no worse than a first visit. Not
 * thread-safe: one thread (the RTMFP loop) or a lock.
 */
public final class KeyedRateLimiter<K> {
    private final int perSecond;
    private final LinkedHashMap<K, TokenBucket> buckets;

    public KeyedRateLimiter(int perSecond, int maxKeys) {
        this.perSecond = perSecond;
        this.buckets = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, TokenBucket> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** Takes one token for the key if there is one; false means over the limit. */
    public boolean tryAcquire(K key, long nowMillis) {
        TokenBucket b = buckets.get(key);
        if (b == null) {
            b = new TokenBucket(perSecond, nowMillis);
            buckets.put(key, b);
        }
        return b.tryTake(nowMillis);
    }

    public int size() {
        return buckets.size();
    }
}
