package org.nimbus.group;

import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import org.nimbus.rtmfp.flow.RecvFlow;
import org.nimbus.rtmfp.session.FlowDispatcher;
import org.nimbus.rtmfp.session.RtmfpCounters;
import org.nimbus.rtmfp.session.RtmfpEndpoint;
import org.nimbus.rtmfp.session.Session;
import org.nimbus.rtmfp.session.SessionListener;

/**
 * NetGroup bootstrap (RFC 7425 §5 flows; message formats in {@link GroupMessages}): a member
 * joins a group on a flow with metadata "GC"; the server picks a few neighbours
 * ({@link NeighbourChoice}) and tells each side of the other with {@code 0b <peer ID>} on a
 * server-opened GC flow tied back to the member's flow. The peers then meet through ordinary
 * introductions. Closing the join flow, or the session ending, is leaving.
 * <p>
 * Runs on the endpoint's thread, inside {@link SessionListener} callbacks; sessions other than
 * the one being served are flushed through the endpoint.
 */
public final class GroupService implements FlowDispatcher.Service {
    /** Recent joiners among the neighbours chosen for a newcomer. */
    static final int RECENT_NEIGHBOURS = 3;
    /** Neighbours chosen for a newcomer in all. */
    static final int MAX_NEIGHBOURS = 8;

    private final RtmfpEndpoint endpoint;
    private final LongSupplier clock;
    private final RtmfpCounters counters;
    private final Map<String, Group> groups = new HashMap<>();
    private final Map<Session, Map<Long, Joined>> bySession = new IdentityHashMap<>();

    private record Joined(String groupId, Member member) {
    }

    public GroupService(RtmfpEndpoint endpoint, LongSupplier clock) {
        this.endpoint = endpoint;
        this.clock = clock;
        this.counters = endpoint.counters();
    }

    @Override
    public boolean claims(byte[] metadata) {
        return FlowDispatcher.startsWith(metadata, GroupMessages.METADATA);
    }

    @Override
    public void onMessage(Session session, RecvFlow flow, byte[] message) {
        Map<Long, Joined> joined = bySession.get(session);
        if (joined != null && joined.containsKey(flow.flowId())) {
            counters.increment("group.ignored-message"); // peers talk among themselves; nothing else is for us
            return;
        }
        Optional<byte[]> groupId = GroupMessages.joinedGroup(message);
        if (groupId.isEmpty()) {
            counters.increment("group.bad-join");
            return;
        }
        join(session, flow.flowId(), HexFormat.of().formatHex(groupId.get()));
    }

    private void join(Session session, long flowId, String groupId) {
        long now = clock.getAsLong();
        Group group = groups.computeIfAbsent(groupId, k -> new Group());
        Member member = new Member(session, flowId);
        Member replaced = group.add(member);
        if (replaced != null) {
            forget(replaced, groupId);
            closePeersFlow(replaced);
        }
        bySession.computeIfAbsent(session, k -> new HashMap<>()).put(flowId, new Joined(groupId, member));
        counters.increment("group.join");
        for (Member n : group.neighboursOf(member, RECENT_NEIGHBOURS, MAX_NEIGHBOURS)) {
            tell(member, n.session.peerId(), now);
            tell(n, session.peerId(), now);
            if (n.session != session) {
                endpoint.service(n.session, now);
            }
        }
    }

    /** Sends {@code 0b <peer ID>} to a member on the server's GC flow to it. */
    private void tell(Member to, byte[] peerId, long now) {
        if (!to.session.isOpen() || !to.firstTold(HexFormat.of().formatHex(peerId))) {
            return;
        }
        if (to.peersFlow == null) {
            to.peersFlow = to.session.openFlow(GroupMessages.METADATA, OptionalLong.of(to.joinFlowId));
        }
        to.peersFlow.write(GroupMessages.peer(peerId), now);
        counters.increment("group.peer-message");
    }

    @Override
    public void onRecvFlowComplete(Session session, RecvFlow flow) {
        Map<Long, Joined> joined = bySession.get(session);
        Joined j = joined == null ? null : joined.remove(flow.flowId());
        if (j != null) {
            leave(j, clock.getAsLong());
            if (joined.isEmpty()) {
                bySession.remove(session);
            }
        }
    }

    @Override
    public void onSessionClosed(Session session) {
        Map<Long, Joined> joined = bySession.remove(session);
        if (joined != null) {
            long now = clock.getAsLong();
            for (Joined j : joined.values()) {
                leave(j, now);
            }
        }
    }

    private void leave(Joined j, long now) {
        Group group = groups.get(j.groupId());
        if (group != null && group.contains(j.member())) {
            List<Member> around = group.ringNeighboursOf(j.member());
            group.remove(j.member());
            counters.increment("group.leave");
            if (group.isEmpty()) {
                groups.remove(j.groupId());
            }
            mendRing(around, now);
        }
        closePeersFlow(j.member());
    }

    /**
     * Every member is told of its ring successor and predecessor when it joins, so adjacent
     * members always know each other and the group is one piece. A leaver's two ring neighbours
     * become adjacent: they are told of each other, or the group could split as members go.
     */
    private void mendRing(List<Member> around, long now) {
        if (around.size() != 2) {
            return;
        }
        Member a = around.get(0);
        Member b = around.get(1);
        tell(a, b.session.peerId(), now);
        tell(b, a.session.peerId(), now);
        endpoint.service(a.session, now);
        endpoint.service(b.session, now);
        counters.increment("group.ring-mended");
    }

    private void forget(Member m, String groupId) {
        Map<Long, Joined> joined = bySession.get(m.session);
        if (joined != null) {
            joined.remove(m.joinFlowId, new Joined(groupId, m));
        }
    }

    private void closePeersFlow(Member m) {
        if (m.peersFlow != null && m.session.isOpen()) {
            m.peersFlow.close();
            m.peersFlow = null;
        }
    }

    // ---- what operators and tests may see ----

    public int groupCount() {
        return groups.size();
    }

    /** The peer IDs (hex) of a group's members, in ring order; empty for an unknown group. */
    public List<String> members(String groupIdHex) {
        Group g = groups.get(groupIdHex);
        return g == null ? List.of() : g.peerIds();
    }
}
