package org.nimbus.rtmfp.handshake;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per key (a source IP, a target peer ID): {@code perSecond} tokens a second,
 * bursts of as many. Only the most recently used {@code maxKeys} buckets are kept, so a flood
 * of spoofed sources costs bounded memory; a forgotten key starts again with a full bucket,
 * which is no worse than a first visit. Not thread-safe: one thread (the RTMFP loop) or a lock.
 * Used for new sessions per source here and for introductions per source and per target.
 */
public final class KeyedRateLimiter<K> {
    private static final class Bucket {
        double tokens;
        long at;
    }

    private final double perMilli;
    private final double capacity;
    private final LinkedHashMap<K, Bucket> buckets;

    public KeyedRateLimiter(int perSecond, int maxKeys) {
        this.perMilli = perSecond / 1000.0;
        this.capacity = perSecond;
        this.buckets = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Bucket> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** Takes one token for the key if there is one; false means over the limit. */
    public boolean tryAcquire(K key, long nowMillis) {
        Bucket b = buckets.get(key);
        if (b == null) {
            b = new Bucket();
            b.tokens = capacity;
            b.at = nowMillis;
            buckets.put(key, b);
        } else if (nowMillis > b.at) {
            b.tokens = Math.min(capacity, b.tokens + (nowMillis - b.at) * perMilli);
            b.at = nowMillis;
        }
        if (b.tokens < 1) {
            return false;
        }
        b.tokens -= 1;
        return true;
    }

    public int size() {
        return buckets.size();
    }
}
