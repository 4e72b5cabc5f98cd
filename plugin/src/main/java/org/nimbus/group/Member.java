package org.nimbus.group;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import org.nimbus.rtmfp.flow.SendFlow;
import org.nimbus.rtmfp.session.Session;

/**
 * One session's membership of one group: the member's GC flow it joined on, and the server's GC
 * flow back to it (opened with the first peer message, returning association to the member's
 * flow), on which every {@code 0b} message to this member goes.
 */
final class Member {
    /** More than a member's neighbours and mends in any but a very long-lived, churning group. */
    static final int TOLD_REMEMBERED = 64;

    final Session session;
    final long joinFlowId;
    final String peerIdHex;
    SendFlow peersFlow;
    /** Peers this member was told of, so a mended ring does not repeat a pair (bounded, oldest forgotten). */
    private final Set<String> toldOf = new LinkedHashSet<>();

    /** Records that this member is told of {@code peerIdHex}; false when it was told already. */
    boolean firstTold(String peerIdHex) {
        if (!toldOf.add(peerIdHex)) {
            return false;
        }
        if (toldOf.size() > TOLD_REMEMBERED) {
            Iterator<String> oldest = toldOf.iterator();
            oldest.next();
            oldest.remove();
        }
        return true;
    }

    Member(Session session, long joinFlowId) {
        this.session = session;
        this.joinFlowId = joinFlowId;
        this.peerIdHex = session.peerIdHex();
    }

    @Override
    public String toString() {
        return "Member[" + peerIdHex.substring(0, 8) + " flow " + joinFlowId + "]";
    }
}
