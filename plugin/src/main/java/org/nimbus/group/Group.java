package org.nimbus.group;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The membership of one NetGroup: members on the ring of peer IDs, and the last few joiners.
 * Nothing else is stored: peers exchange everything else among themselves.
 */
final class Group {
    /** Joiners remembered for "recent" neighbours. */
    static final int RECENT_KEPT = 8;

    private final TreeMap<String, Member> ring = new TreeMap<>();
    private final ArrayDeque<Member> recent = new ArrayDeque<>();

    /** Adds a member; returns the one it replaces (the same peer ID joined again), or null. */
    Member add(Member m) {
        Member old = ring.put(m.peerIdHex, m);
        if (old != null) {
            recent.remove(old);
        }
        recent.addFirst(m);
        while (recent.size() > RECENT_KEPT) {
            recent.removeLast();
        }
        return old;
    }

    /** Removes the member if it is still the one on the ring under its peer ID. */
    boolean remove(Member m) {
        recent.remove(m);
        return ring.remove(m.peerIdHex, m);
    }

    boolean contains(Member m) {
        return ring.get(m.peerIdHex) == m;
    }

    List<Member> neighboursOf(Member m, int recentCount, int max) {
        List<Member> order = new ArrayList<>(ring.values());
        int index = order.indexOf(m);
        if (index < 0) {
            return List.of();
        }
        return NeighbourChoice.choose(order, index, List.copyOf(recent), recentCount, max);
    }

    /**
     * The members just before and after {@code m} on the ring (wrapping around), without
     * {@code m} and without repeats: one member when the group holds two, none when alone.
     */
    List<Member> ringNeighboursOf(Member m) {
        Map.Entry<String, Member> before = ring.lowerEntry(m.peerIdHex);
        Map.Entry<String, Member> after = ring.higherEntry(m.peerIdHex);
        Member p = (before != null ? before : ring.lastEntry()).getValue();
        Member s = (after != null ? after : ring.firstEntry()).getValue();
        List<Member> out = new ArrayList<>(2);
        if (p != m) {
            out.add(p);
        }
        if (s != m && s != p) {
            out.add(s);
        }
        return out;
    }

    List<String> peerIds() {
        return new ArrayList<>(ring.keySet());
    }

    int size() {
        return ring.size();
    }

    boolean isEmpty() {
        return ring.isEmpty();
    }

    Iterator<Member> members() {
        return ring.values().iterator();
    }
}
