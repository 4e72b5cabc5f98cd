package org.nimbus.introduction;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.nimbus.rtmfp.flow.RecvFlow;
import org.nimbus.rtmfp.session.FlowDispatcher;
import org.nimbus.rtmfp.session.Session;

/**
 * The addresses each connected peer reported about itself with the NetConnection command
 * {@code setPeerInfo} (RFC 7425 §5.4: the private, "local" candidates a Redirect lists beside
 * the observed one). Keyed by peer ID; an entry lives as long as its session, so the directory
 * holds at most one bounded list per session. Registered with the {@link FlowDispatcher} only
 * to hear sessions end; it claims no flows.
 */
public final class PeerDirectory implements FlowDispatcher.Service {
    /** More candidates than this from one peer serve no introduction; the rest are ignored. */
    static final int MAX_STORED_ADDRESSES = 32;

    private record Entry(Session session, List<InetSocketAddress> addresses) {
    }

    private final Map<String, Entry> byPeerId = new ConcurrentHashMap<>();

    /** Replaces what the peer of this session reported; an empty list clears it. */
    public void setPeerInfo(Session session, List<InetSocketAddress> addresses) {
        List<InetSocketAddress> kept = addresses.stream()
                .filter(a -> a != null && !a.isUnresolved() && a.getPort() != 0)
                .distinct()
                .limit(MAX_STORED_ADDRESSES)
                .toList();
        byPeerId.put(session.peerIdHex(), new Entry(session, kept));
    }

    /** What the peer reported, in its order; empty when it reported nothing or is unknown. */
    public List<InetSocketAddress> addressesOf(String peerIdHex) {
        Entry e = byPeerId.get(peerIdHex);
        return e == null ? List.of() : e.addresses();
    }

    /** Drops the entry of a session that ended (not a newer session of the same peer). */
    public void forget(Session session) {
        byPeerId.computeIfPresent(session.peerIdHex(), (k, e) -> e.session() == session ? null : e);
    }

    @Override
    public boolean claims(byte[] metadata) {
        return false;
    }

    @Override
    public void onMessage(Session session, RecvFlow flow, byte[] message) {
        // never called: no flow is claimed
    }

    @Override
    public void onSessionClosed(Session session) {
        forget(session);
    }

    public int size() {
        return byPeerId.size();
    }
}
