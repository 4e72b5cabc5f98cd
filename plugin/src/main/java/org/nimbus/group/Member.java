package org.nimbus.group;

import org.nimbus.rtmfp.flow.SendFlow;
import org.nimbus.rtmfp.session.Session;

/**
 * One session's membership of one group: the member's GC flow it joined on, and the server's GC
 * flow back to it (opened with the first peer message, returning association to the member's
 * flow), on which every {@code 0b} message to this member goes.
 */
final class Member {
    final Session session;
    final long joinFlowId;
    final String peerIdHex;
    SendFlow peersFlow;

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
