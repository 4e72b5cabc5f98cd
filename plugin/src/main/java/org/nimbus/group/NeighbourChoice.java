package org.nimbus.group;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which members a newcomer and the group learn of each other (docs/interop.md, NetGroup: spread over
 * the peer-ID ring plus recent ones): the most recent joiners, so that a young group meshes at
 * once; the newcomer's successor and predecessor on the ring of peer IDs, which keeps the ring
 * (hence the group) connected; then members at half, a quarter, an eighth... of the ring away,
 * which keeps paths short as the group grows. Deterministic, so tests can check it.
 */
final class NeighbourChoice {
    private NeighbourChoice() {
    }

    /**
     * @param ring    every member in peer-ID order, the newcomer included
     * @param index   the newcomer's position in {@code ring}
     * @param recent  members by join time, most recent first (the newcomer may be among them)
     * @param recentCount how many recent joiners to take at most
     * @param max     how many neighbours in all
     */
    static <M> List<M> choose(List<M> ring, int index, List<M> recent, int recentCount, int max) {
        M self = ring.get(index);
        Set<M> chosen = new LinkedHashSet<>();
        for (M m : recent) {
            if (chosen.size() >= Math.min(recentCount, max)) {
                break;
            }
            if (m != self) {
                chosen.add(m);
            }
        }
        int n = ring.size();
        List<Integer> offsets = new ArrayList<>(List.of(1, n - 1));
        for (int d = n / 2; d >= 2; d /= 2) {
            offsets.add(d);
        }
        for (int d : offsets) {
            if (chosen.size() >= max) {
                break;
            }
            M m = ring.get((index + d) % n);
            if (m != self) {
                chosen.add(m);
            }
        }
        return new ArrayList<>(chosen);
    }
}
