package org.nimbus.conncheck;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.nimbus.rtmfp.handshake.StartupPackets;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.session.RtmfpEndpoint;
import org.nimbus.rtmfp.session.Session;
import org.nimbus.tc.TcCommand;
import org.nimbus.tc.TcFlowService;
import org.nimbus.tc.TcSession;

/**
 * The connectivity check as the TC layer and the endpoint see it: {@link ConnChecks} keyed by
 * session, its probes handed to the transport edge's extra sockets, its Forwarded IHellos sent in
 * the client's session, its results written as the reference conncheck writes them (an
 * {@code onStatus} with code {@value #RESULTS}) before the session is closed. Every method runs on
 * the endpoint's loop thread.
 */
public final class ConnCheckService implements TcFlowService.ConnCheck {
    public static final String RESULTS = "NetConnection.ConnectivityCheck.Results";
    /** How long a conncheck NetConnection may wait before its setPeerInfo (the reference allows 120 s for everything). */
    static final long SET_PEER_INFO_WITHIN_MILLIS = 60_000;

    /** Sends a startup packet from one of the extra sockets (the transport edge). */
    public interface Probes {
        void send(ConnChecks.Socket from, InetSocketAddress to, byte[] datagram);
    }

    private final RtmfpEndpoint endpoint;
    private final TcFlowService tc;
    private final ConnChecks<Session> checks;
    /** Connected conncheck sessions that have not sent setPeerInfo yet, with their deadline. */
    private final Map<Session, Long> awaitingPeerInfo = new java.util.IdentityHashMap<>();
    private long now;

    public ConnCheckService(RtmfpEndpoint endpoint, TcFlowService tc, StartupPackets packets, Set<ConnChecks.Socket> sockets,
                            InetSocketAddress introReplyAddress, ConnChecks.Limits limits, Supplier<byte[]> tags, Probes probes) {
        this.endpoint = endpoint;
        this.tc = tc;
        this.checks = new ConnChecks<>(packets, sockets, introReplyAddress, limits, tags, new ConnChecks.Output<>() {
            @Override
            public void probe(ConnChecks.Socket from, InetSocketAddress to, byte[] datagram) {
                endpoint.counters().increment("conncheck.probe");
                probes.send(from, to, datagram);
            }

            @Override
            public void forward(Session session, Chunk forwardedIHello) {
                endpoint.counters().increment("conncheck.forwarded-ihello");
                session.forwardIHello(forwardedIHello);
                endpoint.service(session, now);
            }

            @Override
            public void done(Session session, ConnChecks.Results results) {
                endpoint.counters().increment("conncheck.results");
                TcSession t = ConnCheckService.this.tc.of(session);
                if (t != null) {
                    t.finish(TcCommand.encode("onStatus", 0, null, info(results)), now);
                    endpoint.service(session, now);
                }
            }
        });
    }

    /** The status object of the results: level, code, description, then the reference's fields. */
    static Map<String, Object> info(ConnChecks.Results r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("level", "status");
        m.put("code", RESULTS);
        m.put("description", "Connectivity Check results");
        m.put("publicAddress", r.publicAddress());
        m.put("publicAddressIsLocal", r.publicAddressIsLocal());
        m.put("publicPortMatchesLocalPort", r.publicPortMatchesLocalPort());
        m.put("receiveSameAddressDifferentPortAllowed", r.receiveSameAddressDifferentPortAllowed());
        m.put("receiveDifferentAddressDifferentPortAllowed", r.receiveDifferentAddressDifferentPortAllowed());
        m.put("sendAfterIntroductionAllowed", r.sendAfterIntroductionAllowed());
        m.put("sendAfterIntroductionPreservesSourceAddress", r.sendAfterIntroductionPreservesSourceAddress());
        m.put("sendAfterIntroductionPreservesSourcePort", r.sendAfterIntroductionPreservesSourcePort());
        return m;
    }

    @Override
    public String unavailable() {
        return null;
    }

    @Override
    public void connected(TcSession session, long now) {
        awaitingPeerInfo.put(session.session(), now + SET_PEER_INFO_WITHIN_MILLIS);
    }

    @Override
    public void start(TcSession session, List<InetSocketAddress> reported, long now) {
        this.now = now;
        Session s = session.session();
        awaitingPeerInfo.remove(s);
        if (checks.checking(s)) {
            endpoint.counters().increment("conncheck.repeated-set-peer-info"); // the check under way goes on
        } else if (checks.start(s, s.peerId(), s.address(), reported, now)) {
            endpoint.counters().increment("conncheck.started");
        } else {
            // conncheck.max_checks under way: the session ends without results (the client may retry).
            endpoint.counters().increment("conncheck.busy");
            s.close(now);
        }
    }

    @Override
    public void closed(Session session) {
        awaitingPeerInfo.remove(session);
        checks.cancel(session);
    }

    /** A datagram on an extra socket. */
    public void onDatagram(ConnChecks.Socket on, InetSocketAddress from, byte[] datagram, long now) {
        this.now = now;
        long before = checks.ignored();
        checks.onDatagram(on, from, datagram, now);
        if (checks.ignored() != before) {
            endpoint.counters().increment("conncheck.ignored-datagram");
        }
    }

    /** Due probes and timeouts. */
    public void onTimer(long now) {
        this.now = now;
        if (checks.nextDeadline() <= now) {
            checks.onTimer(now);
        }
        if (!awaitingPeerInfo.isEmpty()) {
            List<Session> late = awaitingPeerInfo.entrySet().stream().filter(e -> e.getValue() <= now).map(Map.Entry::getKey).toList();
            for (Session s : late) {
                awaitingPeerInfo.remove(s);
                endpoint.counters().increment("conncheck.no-set-peer-info");
                s.close(now);
                endpoint.service(s, now);
            }
        }
    }

    public int active() {
        return checks.active();
    }

    /** What a conncheck connect gets on a server without the extra sockets. */
    public static TcFlowService.ConnCheck unavailable(String why) {
        return new TcFlowService.ConnCheck() {
            @Override
            public String unavailable() {
                return why;
            }

            @Override
            public void connected(TcSession session, long now) {
            }

            @Override
            public void start(TcSession session, List<InetSocketAddress> reported, long now) {
            }

            @Override
            public void closed(Session session) {
            }
        };
    }
}
