package org.nimbus.introduction;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.nimbus.rtmfp.handshake.PeerAddress;

/**
 * The addresses a Redirect lists for a target (RFC 7016 §2.3.5, §3.5.1.1.2): the one the server
 * observed (origin 2) and the ones the target reported with setPeerInfo (origin 1), IPv4 and
 * IPv6 alike. Normally the observed address comes first: it is the one that crosses NATs. When
 * the initiator's observed IP equals the target's, both sit behind one NAT (or one host): their
 * private addresses work where the public one would need hairpinning, so they come first.
 */
final class RedirectAddresses {
    private RedirectAddresses() {
    }

    static List<PeerAddress> forTarget(InetSocketAddress targetObserved, List<InetSocketAddress> targetReported,
                                       InetSocketAddress initiatorObserved, int max) {
        boolean sameNat = targetObserved.getAddress().equals(initiatorObserved.getAddress());
        Set<InetSocketAddress> seen = new LinkedHashSet<>();
        List<PeerAddress> out = new ArrayList<>();
        if (!sameNat) {
            add(out, seen, targetObserved, PeerAddress.ORIGIN_OBSERVED, max);
        }
        for (InetSocketAddress a : targetReported) {
            add(out, seen, a, PeerAddress.ORIGIN_LOCAL, max);
        }
        if (sameNat) {
            add(out, seen, targetObserved, PeerAddress.ORIGIN_OBSERVED, max);
        }
        return out;
    }

    private static void add(List<PeerAddress> out, Set<InetSocketAddress> seen, InetSocketAddress a, int origin, int max) {
        if (out.size() < max && seen.add(a)) {
            out.add(PeerAddress.of(a, origin));
        }
    }
}
