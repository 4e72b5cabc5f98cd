package org.nimbus.rtmfp.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sequence numbers a receiver has seen (received or known abandoned), as disjoint
 * inclusive ranges. Zero is always in the set, so the range that starts at 0 ends at the
 * cumulative acknowledgement (RFC 7016 §3.6.3.4) and every other range becomes an ack range.
 */
final class SequenceSet {
    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    SequenceSet() {
        ranges.put(0L, 0L);
    }

    boolean contains(long seq) {
        Map.Entry<Long, Long> e = ranges.floorEntry(seq);
        return e != null && e.getValue() >= seq;
    }

    /** Highest n such that 0..n are all in the set. */
    long cumulative() {
        return ranges.firstEntry().getValue();
    }

    int rangeCount() {
        return ranges.size();
    }

    /** True when adding {@code seq} would not create a new range (it touches or is inside one). */
    boolean wouldMerge(long seq) {
        Map.Entry<Long, Long> below = ranges.floorEntry(seq);
        if (below != null && below.getValue() >= seq - 1) {
            return true;
        }
        return seq != Long.MAX_VALUE && ranges.containsKey(seq + 1);
    }

    void add(long seq) {
        add(seq, seq);
    }

    void add(long from, long to) {
        Map.Entry<Long, Long> below = ranges.floorEntry(from);
        if (below != null && below.getValue() >= from - 1) {
            from = below.getKey();
            to = Math.max(to, below.getValue());
            ranges.remove(below.getKey());
        }
        while (true) {
            Map.Entry<Long, Long> above = ranges.ceilingEntry(from);
            // with to == Long.MAX_VALUE every later range overlaps
            if (above == null || (to != Long.MAX_VALUE && above.getKey() > to + 1)) {
                break;
            }
            to = Math.max(to, above.getValue());
            ranges.remove(above.getKey());
        }
        ranges.put(from, to);
    }

    /** The ranges above the cumulative one, ascending. */
    List<AckChunk.Range> rangesAboveCumulative() {
        List<AckChunk.Range> out = new ArrayList<>(ranges.size());
        boolean first = true;
        for (Map.Entry<Long, Long> e : ranges.entrySet()) {
            if (first) {
                first = false;
                continue;
            }
            out.add(new AckChunk.Range(e.getKey(), e.getValue()));
        }
        return out;
    }
}
