package org.nimbus.rtmfp.session;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.nimbus.rtmfp.crypto.CryptoProvider;
import org.nimbus.rtmfp.crypto.DefaultKey;
import org.nimbus.rtmfp.flow.ReceiveBudget;
import org.nimbus.rtmfp.handshake.IHello;
import org.nimbus.rtmfp.handshake.IIKeying;
import org.nimbus.rtmfp.handshake.Responder;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.Datagram;
import org.nimbus.rtmfp.packet.DatagramFraming;
import org.nimbus.rtmfp.packet.MalformedException;
import org.nimbus.rtmfp.packet.Packet;
import org.nimbus.rtmfp.packet.PacketHeader;

/**
 * The responder side of RTMFP as a pure state machine: datagrams and time in, datagrams and
 * session events out. Session ID 0 carries the startup handshake (RFC 7016 §3.5.1), answered by
 * the {@link Responder}; any other ID selects an established {@link Session}. Every malformed,
 * unauthenticated or unexpected datagram is dropped silently and counted, never thrown.
 * <p>
 * Single-threaded: one driving thread calls everything except {@link #hasSessionAt}, which the
 * transport may call from its own thread.
 */
public final class RtmfpEndpoint {
    /** Lets the introduction service answer IHellos that name a peer (RFC 7016 §3.5.1.1.2). */
    @FunctionalInterface
    public interface Introducer {
        void onIntroductionRequest(Responder.IntroductionRequest request, DatagramOutput replies, long now);
    }

    private final Responder responder;
    private final DatagramFraming startup;
    private final SessionConfig config;
    private final SessionListener listener;
    private final RtmfpCounters counters;
    private final Map<Integer, Session> sessions = new HashMap<>();
    private final Map<String, Session> byPeerId = new HashMap<>();
    private final Map<InetSocketAddress, Integer> addressRefs = new ConcurrentHashMap<>();
    /** Closed sessions still in the table (answering retransmitted closes), oldest first. */
    private final Set<Session> lingering = new LinkedHashSet<>();
    private final Map<Session, InetSocketAddress> registeredAddress = new HashMap<>();
    private final Map<Session, Long> scheduledAt = new HashMap<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    /** Bounds what the receive flows of all sessions hold together; each session's budget is a child. */
    private final ReceiveBudget receiveBudget;
    private volatile Introducer introducer;
    /** The table's size, readable from monitoring threads. */
    private volatile int sessionCount;

    private record Timer(long at, Session session) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            return Long.compare(at, o.at);
        }
    }

    public RtmfpEndpoint(CryptoProvider crypto, byte[] cookieSecret, SessionConfig config, SessionListener listener,
                         RtmfpCounters counters) {
        this.responder = Responder.withDefaults(crypto, cookieSecret, this::newSessionId);
        this.startup = DefaultKey.framing(crypto);
        this.config = config;
        this.listener = listener;
        this.counters = counters;
        this.receiveBudget = new ReceiveBudget(config.totalRecvBuffer());
        this.introducer = (request, replies, now) -> counters.increment("introduction.unhandled");
    }

    public void setIntroducer(Introducer introducer) {
        this.introducer = introducer;
    }

    public Responder responder() {
        return responder;
    }

    public RtmfpCounters counters() {
        return counters;
    }

    /** Thread-safe. */
    public int sessionCount() {
        return sessionCount;
    }

    /**
     * Bytes the receive flows of all sessions hold now, awaiting reassembly or delivery, as
     * charged against {@link SessionConfig#totalRecvBuffer}. Thread-safe.
     */
    public long receiveBufferedBytes() {
        return receiveBudget.used();
    }

    public Collection<Session> sessions() {
        return List.copyOf(sessions.values());
    }

    /** The open session of a peer, by its 32-byte peer ID in hex, or null. */
    public Session sessionByPeerId(String peerIdHex) {
        return byPeerId.get(peerIdHex);
    }

    /** Thread-safe: whether any session lives at this address (the transport keeps per-peer state only for those). */
    public boolean hasSessionAt(InetSocketAddress address) {
        return addressRefs.containsKey(address);
    }

    private int newSessionId() {
        while (true) {
            int id = ThreadLocalRandom.current().nextInt();
            if (id != 0 && !sessions.containsKey(id)) {
                return id;
            }
        }
    }

    // ---- input ----

    public void receive(InetSocketAddress from, byte[] datagram, DatagramOutput replies, long now) {
        if (datagram.length < Datagram.MIN_SIZE || datagram.length > Datagram.MAX_RECEIVE_SIZE) {
            counters.increment("drop.size");
            return;
        }
        int sessionId;
        try {
            sessionId = Datagram.sessionId(datagram);
        } catch (MalformedException e) {
            counters.increment("drop.malformed");
            return;
        }
        if (sessionId == 0) {
            onStartup(from, datagram, replies, now);
            return;
        }
        Session session = sessions.get(sessionId);
        if (session == null) {
            counters.increment("drop.unknown-session");
            return;
        }
        DatagramFraming.Opened opened;
        try {
            opened = session.receiveFraming().open(datagram);
        } catch (MalformedException e) {
            counters.increment("drop.bad-packet");
            return;
        }
        counters.increment("packets.in");
        session.onPacket(opened, from, replies, receiveBudget, now);
        service(session, now);
    }

    private void onStartup(InetSocketAddress from, byte[] datagram, DatagramOutput replies, long now) {
        Packet packet;
        try {
            packet = startup.open(datagram).packet();
        } catch (MalformedException e) {
            counters.increment("drop.bad-startup-packet");
            return;
        }
        if (packet.header().mode() != PacketHeader.MODE_STARTUP) {
            counters.increment("drop.wrong-mode");
            return;
        }
        for (Chunk c : packet.chunks()) {
            try {
                switch (c.type()) {
                    case Chunk.IHELLO -> onIHello(from, IHello.decode(c.payload()), replies, now);
                    case Chunk.IIKEYING -> onIIKeying(from, IIKeying.decode(c.payload()), replies, now);
                    default -> counters.increment("chunk.ignored-startup");
                }
            } catch (MalformedException e) {
                counters.increment("drop.malformed-handshake");
                return;
            }
        }
    }

    private void onIHello(InetSocketAddress from, IHello hello, DatagramOutput replies, long now) {
        Responder.HelloOutcome outcome = responder.onIHello(from, hello, now);
        if (outcome instanceof Responder.SendRHello r) {
            counters.increment("handshake.rhello");
            sendStartup(replies, from, 0, r.rhello().chunk(), now);
        } else if (outcome instanceof Responder.IntroductionRequest request) {
            counters.increment("introduction.request");
            introducer.onIntroductionRequest(request, replies, now);
        } else {
            counters.increment("handshake.ignored-ihello");
        }
    }

    private void onIIKeying(InetSocketAddress from, IIKeying keying, DatagramOutput replies, long now) {
        long started = counters.latencies().start();
        if (!sessions.isEmpty() && sessions.size() >= config.maxSessions() && !responder.answeredBefore(from, keying)
                && !evictOneClosed()) {
            counters.increment("drop.session-table-full");
            return;
        }
        Responder.KeyingOutcome outcome = responder.onIIKeying(from, keying, now);
        if (outcome instanceof Responder.Keyed keyed) {
            Session existing = sessions.get(keyed.session().responderSessionId());
            if (!keyed.retransmission() && existing == null) {
                Session session = new Session(keyed.session(), replies, now, config, listener, counters);
                sessions.put(session.id(), session);
                sessionCount = sessions.size();
                byPeerId.put(session.peerIdHex(), session);
                trackAddress(session);
                counters.increment("session.opened");
                listener.onSessionOpened(session);
                service(session, now);
            } else {
                counters.increment("handshake.rikeying-repeated");
            }
            sendStartup(replies, from, keyed.initiatorSessionId(), keyed.rikeying().chunk(), now);
            if (!keyed.retransmission() && existing == null) {
                counters.latencies().stop("handshake", started); // IIKeying in → session open, RIKeying out
            }
        } else if (outcome instanceof Responder.SendCookieChange change) {
            counters.increment("handshake.cookie-change");
            sendStartup(replies, from, 0, change.change().chunk(), now);
        } else if (outcome instanceof Responder.Ignored ignored) {
            counters.increment(Responder.RATE_LIMITED.equals(ignored.reason())
                    ? "drop.keying-rate" : "handshake.ignored-iikeying");
        }
    }

    /** Startup packets go under the default key, flags 0x0b (RFC 7016 §2.2.4, RFC 7425 §4.2). */
    private void sendStartup(DatagramOutput out, InetSocketAddress to, int sessionId, Chunk chunk, long now) {
        Packet p = Packet.of(PacketHeader.startup(PacketHeader.timestampAt(now)), chunk);
        out.send(to, startup.seal(sessionId, DatagramFraming.NO_SEQUENCE_NUMBER, p));
    }

    /**
     * Sends a startup packet (Redirect, and the like) to an address; the introduction service's
     * way out. RIKeying and RHello go through the handshake path above.
     */
    public void sendStartupChunk(DatagramOutput out, InetSocketAddress to, Chunk chunk, long now) {
        sendStartup(out, to, 0, chunk, now);
    }

    // ---- output and timers ----

    /**
     * Flushes what a session owes and re-arms its timer. The layer above calls this after
     * writing to the session's flows from outside a listener callback.
     */
    public void service(Session session, long now) {
        session.flush(now);
        trackAddress(session);
        if (session.isFinished(now)) {
            remove(session);
            return;
        }
        if (session.state() == Session.State.CLOSED) {
            lingering.add(session);
        }
        long d = session.nextDeadline();
        Long current = scheduledAt.get(session);
        if (current == null || d < current) {
            scheduledAt.put(session, d);
            if (d != Long.MAX_VALUE) {
                timers.add(new Timer(d, session));
            }
        }
    }

    /** The earliest time {@link #onTimer} has work; Long.MAX_VALUE when none. */
    public long nextDeadline() {
        Timer t = timers.peek();
        return t == null ? Long.MAX_VALUE : t.at();
    }

    /** Runs every timer that is due. */
    public void onTimer(long now) {
        while (!timers.isEmpty() && timers.peek().at() <= now) {
            Timer t = timers.poll();
            Long current = scheduledAt.get(t.session());
            if (current == null || current != t.at()) {
                continue; // superseded
            }
            scheduledAt.remove(t.session());
            t.session().onTimer(now);
            service(t.session(), now);
        }
    }

    /** Orderly shutdown: every session sends its close request once and is forgotten. */
    public void closeAll(long now) {
        for (Session s : List.copyOf(sessions.values())) {
            s.close(now);
            s.onTimer(now);
            s.flush(now);
            remove(s);
        }
    }

    /**
     * Frees a slot held by a closed session that lingers only to answer retransmitted close
     * requests (§3.5.5.2): a new session matters more. The oldest goes first.
     */
    private boolean evictOneClosed() {
        Iterator<Session> oldest = lingering.iterator();
        if (!oldest.hasNext()) {
            return false;
        }
        Session s = oldest.next();
        remove(s);
        counters.increment("session.closed-evicted");
        return true;
    }

    private void remove(Session session) {
        lingering.remove(session);
        session.release(0);
        sessions.remove(session.id());
        sessionCount = sessions.size();
        byPeerId.remove(session.peerIdHex(), session);
        scheduledAt.remove(session);
        InetSocketAddress old = registeredAddress.remove(session);
        if (old != null) {
            addressRefs.computeIfPresent(old, (a, n) -> n <= 1 ? null : n - 1);
        }
        counters.increment("session.removed");
    }

    private void trackAddress(Session session) {
        InetSocketAddress now = session.address();
        InetSocketAddress before = registeredAddress.put(session, now);
        if (now.equals(before)) {
            return;
        }
        if (before != null) {
            addressRefs.computeIfPresent(before, (a, n) -> n <= 1 ? null : n - 1);
        }
        addressRefs.merge(now, 1, Integer::sum);
    }
}
