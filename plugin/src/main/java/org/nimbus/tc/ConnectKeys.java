package org.nimbus.tc;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Developer keys, as Cirrus had them: which keys may connect. A client names its key as the
 * first segment of its connect path ({@code rtmfp://host/KEY}, when no application of that name
 * exists) or as its first connect argument. With no key list every connect is admitted (and no
 * key is asked for); with one, a connect whose key is not on it is refused. Counters per listed
 * key and one for all others bound what a flood of made-up keys can add. Thread-safe: the list
 * is replaced whole on reload.
 */
public final class ConnectKeys {
    /** The counter name of connects naming a key that is not listed (or none). */
    public static final String UNLISTED = "(unlisted)";

    /** What a connect gets: admitted or not, the key it named (null for none), why when refused. */
    public record Verdict(boolean admitted, String key, String reason) {
    }

    private volatile Set<String> keys;
    private final Map<String, AtomicLong> accepted = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> refused = new ConcurrentHashMap<>();

    public ConnectKeys(Set<String> keys) {
        this.keys = Set.copyOf(keys);
    }

    /** Replaces the list (a reload); counters of keys still listed go on. */
    public void replace(Set<String> newKeys) {
        keys = Set.copyOf(newKeys);
        accepted.keySet().retainAll(keys);
        refused.keySet().removeIf(k -> !k.equals(UNLISTED) && !keys.contains(k));
    }

    public boolean configured() {
        return !keys.isEmpty();
    }

    public int size() {
        return keys.size();
    }

    /**
     * The verdict for a connect: {@code pathKey} is the path's first segment when no application
     * serves it (else null), {@code firstArgument} the connect's first argument after its object.
     */
    public Verdict admit(String pathKey, Object firstArgument) {
        Set<String> listed = keys;
        String key = pathKey != null && !pathKey.isEmpty() ? pathKey
                : firstArgument instanceof String s && !s.isEmpty() ? s : null;
        if (listed.isEmpty()) {
            return new Verdict(true, key, null);
        }
        if (key != null && listed.contains(key)) {
            accepted.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
            return new Verdict(true, key, null);
        }
        refused.computeIfAbsent(key != null && listed.contains(key) ? key : UNLISTED, k -> new AtomicLong()).incrementAndGet();
        return new Verdict(false, key, key == null
                ? "this server admits listed developer keys only: give one in the path (rtmfp://host/KEY) or as the first connect argument"
                : "developer key '" + abbreviate(key) + "' is not admitted on this server");
    }

    /** Counters: "accepted.KEY" and "refused.KEY" (refused.(unlisted) for every unlisted key together). */
    public Map<String, Long> counters() {
        Map<String, Long> out = new LinkedHashMap<>();
        accepted.forEach((k, v) -> out.put("accepted." + k, v.get()));
        refused.forEach((k, v) -> out.put("refused." + k, v.get()));
        return out;
    }

    private static String abbreviate(String key) {
        return key.length() > 64 ? key.substring(0, 64) + "…" : key;
    }
}
