package org.nimbus.registry;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.nimbus.webrtc.IceServers;

/**
 * The registry: names held by live connections, their peer IDs, presence and relayed messages,
 * with every limit of nimbus.properties. One lock (this object's) guards all state, and each
 * concern has a class of its own, called under it: {@link Admission} (connections per address,
 * names held), {@link Identities} (hello: token or guest name), {@link Presence}
 * (registrations, lookups, presence events), {@link Subscriptions}, {@link Relay} (relayed
 * sends) and {@link Events} (the frames the registry originates). Operations are short map
 * updates, and connections only queue what they are sent. Time comes from the given clock, so
 * keepalive and frame timeouts are driven by {@link #sweep()} calls, never by sleeping.
 */
public final class RegistryService {
    public record Welcome(String name, boolean guest, int keepaliveSeconds) {
    }

    /** The webrtc.* keys: signals a second and characters per signal, and the ICE servers of welcome. */
    public record WebRtc(int signalRate, int maxSignalChars, IceServers iceServers) {
        public static final WebRtc DEFAULTS = new WebRtc(40, 16384, IceServers.NONE);
    }

    public record Lookup(String name, boolean online, List<String> peerIds) {
    }

    private final RegistryStore store;
    private final InstantSource clock;
    private final RegistryLimits limits;
    private final Admission admission;
    private final AcceptRate acceptRate;
    private final Identities identities;
    private final Presence presence;
    private final Subscriptions subscriptions;
    private final Relay relay;
    private final LegacyIds legacy;
    private final Signalling signalling;
    private volatile WebRtc webrtc = WebRtc.DEFAULTS;
    private final LongAdder lookups = new LongAdder();
    private final LongAdder relayed = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final TransportFigures transports = new TransportFigures();
    private volatile LookupTimer lookupTimer = LookupTimer.NONE;

    /**
     * How long lookups take, lock wait included: the edge supplies the clock and records (a
     * histogram per transport); the service only brackets each lookup.
     */
    public interface LookupTimer {
        LookupTimer NONE = new LookupTimer() {
            @Override
            public long start() {
                return 0;
            }

            @Override
            public void stop(String transport, long start) {
            }
        };

        long start();

        void stop(String transport, long start);
    }

    public RegistryService(RegistryStore store, AccountTokens tokens, GuestNames guestNames, InstantSource clock,
                           RegistryLimits limits) {
        this(store, NodeLink.NONE, tokens, guestNames, clock, limits);
    }

    /** A registry whose store other nodes share: frames for their connections go through link. */
    public RegistryService(RegistryStore store, NodeLink link, AccountTokens tokens, GuestNames guestNames,
                           InstantSource clock, RegistryLimits limits) {
        this.store = store;
        this.clock = clock;
        this.limits = limits;
        this.admission = new Admission(limits, store.node());
        this.acceptRate = new AcceptRate(limits.acceptRatePerIp(), clock);
        this.identities = new Identities(store, tokens, guestNames, clock, limits.maxNames());
        this.presence = new Presence(store, admission, link);
        this.subscriptions = new Subscriptions(store, presence, limits.maxSubscriptions());
        this.relay = new Relay(store, limits, admission, link);
        this.legacy = new LegacyIds(admission, identities, presence);
        this.signalling = new Signalling(store, admission);
    }

    /**
     * A frame another node sent for one of this node's connections (a presence event or a
     * relayed message); false when that connection is gone.
     */
    public synchronized boolean deliver(RegistryStore.ConnectionId to, JsonObject frame) {
        RegistrySession s = admission.local(to);
        if (s == null || !s.open) {
            return false;
        }
        s.connection.send(frame);
        return true;
    }

    /** Followers everywhere hear that the names went offline (a dead node's, found by the cluster edge). */
    public synchronized void announceOffline(List<String> names) {
        for (String name : names) {
            presence.announce(Names.key(name), name, false);
        }
    }

    /** Sets the webrtc.* keys; connections opened afterwards get the signal rate. */
    public void webrtc(WebRtc w) {
        webrtc = w;
    }

    /** The ICE servers for a page that said hello as name, TURN credentials minted now. */
    public com.google.gson.JsonArray iceServers(String name) {
        return webrtc.iceServers().forName(name, now());
    }

    /** Forwards WebRTC signalling data to the user's connections in a conversation with the caller ({@link Signalling}). */
    public synchronized int signal(RegistrySession s, String to, JsonElement data) {
        requireName(s);
        return signalling.signal(s, to, data, webrtc.maxSignalChars(), now());
    }

    public RegistryLimits limits() {
        return limits;
    }

    /** Connections, names, lookups and relayed sends per transport. */
    public TransportFigures transports() {
        return transports;
    }

    public void lookupTimer(LookupTimer t) {
        lookupTimer = t == null ? LookupTimer.NONE : t;
    }

    /** {@link #lookup(RegistrySession, String)}, timed from before the lock is taken. */
    public Lookup timedLookup(RegistrySession s, String name) {
        LookupTimer t = lookupTimer;
        long started = t.start();
        Lookup l = lookup(s, name);
        t.stop(s.connection.transport(), started);
        return l;
    }

    /** The per-address rate of new connections, which transports check as they accept (outside this lock). */
    public AcceptRate acceptRate() {
        return acceptRate;
    }

    public long now() {
        return clock.millis();
    }

    /**
     * A new connection from address (an IP literal). Refused with too-many-connections beyond the
     * per-address limit; the transport then sends the error and closes.
     */
    public synchronized RegistrySession open(RegistryConnection connection, String address, boolean idleChecked) {
        RegistrySession s = admission.open(connection, address, idleChecked, now(), webrtc.signalRate());
        transports.of(connection.transport()).connections.incrementAndGet();
        return s;
    }

    /** Any frame from the client counts as a sign of life. */
    public void touch(RegistrySession s) {
        s.seen(now());
    }

    public synchronized Welcome helloAccount(RegistrySession s, String token) {
        requireNoName(s);
        Welcome w = new Welcome(identities.account(s, token), false, limits.keepaliveSeconds());
        transports.of(s.connection.transport()).names.incrementAndGet();
        return w;
    }

    public synchronized Welcome helloGuest(RegistrySession s) {
        requireNoName(s);
        Welcome w = new Welcome(identities.guest(s), true, limits.keepaliveSeconds());
        transports.of(s.connection.transport()).names.incrementAndGet();
        return w;
    }

    /** Binds peerId to the caller's name; a connection holds one peer ID, a new one replaces it (or relay-only). */
    public synchronized void register(RegistrySession s, String peerId) {
        requireName(s);
        presence.register(s, peerId);
    }

    /**
     * Registers the connection relay-only: its user is online and gets relayed sends through it,
     * but it adds no peer ID to lookups. Replaces a peer ID the connection registered.
     */
    public synchronized void registerRelay(RegistrySession s) {
        requireName(s);
        presence.registerRelay(s);
    }

    public synchronized void unregister(RegistrySession s, String peerId) {
        requireName(s);
        presence.unregister(s, peerId);
    }

    public synchronized void unregisterRelay(RegistrySession s) {
        requireName(s);
        presence.unregisterRelay(s);
    }

    /** A user's peer IDs ({@link Presence#lookup}); the caller must have said hello. */
    public synchronized Lookup lookup(RegistrySession s, String name) {
        requireName(s);
        transports.of(s.connection.transport()).lookups.increment();
        signalling.reached(s, name);
        return lookup(name);
    }

    synchronized Lookup lookup(String name) {
        lookups.increment();
        return presence.lookup(name);
    }

    /** Follows names; returns the subset online now. Beyond max_subscriptions nothing is added. */
    public synchronized List<String> subscribe(RegistrySession s, List<String> names) {
        requireName(s);
        return subscriptions.subscribe(s, names);
    }

    public synchronized void unsubscribe(RegistrySession s, List<String> names) {
        requireName(s);
        subscriptions.unsubscribe(s, names);
    }

    /** Relays text to every registered connection of the user (relay-only ones included); returns how many got it. */
    public synchronized int send(RegistrySession s, String to, String text) {
        return send(s, to, text, null);
    }

    /** {@link #send(RegistrySession, String, String)} with the page's message ID (null: none), passed on for dedup. */
    public synchronized int send(RegistrySession s, String to, String text, String mid) {
        requireName(s);
        int delivered = relay.send(s, to, text, mid, now());
        signalling.reached(s, to);
        relayed.increment();
        transports.of(s.connection.transport()).relays.increment();
        return delivered;
    }

    /**
     * reg.cgi's registration: username gets peerId for an hour ({@link LegacyIds}), or loses its
     * web-service registration when peerId is null ({@code identity=0}).
     */
    public synchronized void legacyRegister(String address, String username, String peerId) {
        if (peerId == null) {
            legacy.unregister(username);
        } else {
            legacy.register(address, username, peerId, now());
        }
    }

    /** reg.cgi's lookup: the same answer as {@link #lookup(RegistrySession, String)}, asked without a connection. */
    public synchronized Lookup legacyLookup(String name) {
        transports.of("reg.cgi").lookups.increment();
        return lookup(name);
    }

    /** The connection is gone (closed by either side): its name, registration and subscriptions go at once. */
    public synchronized void close(RegistrySession s) {
        if (!s.open) {
            return;
        }
        s.open = false;
        s.contacts.clear(); // nothing it reached is kept alive through it
        admission.closed(s);
        TransportFigures.Figures f = transports.of(s.connection.transport());
        f.connections.decrementAndGet();
        // a shared store that cannot be reached must not leave this node's state half closed:
        // what stays in Redis goes when the node republishes on its return (docs/cluster.md)
        unlessUnavailable(() -> subscriptions.dropAll(s));
        if (s.name != null) {
            f.names.decrementAndGet();
            unlessUnavailable(() -> presence.drop(s));
            unlessUnavailable(() -> identities.release(s));
        }
    }

    private static void unlessUnavailable(Runnable step) {
        try {
            step.run();
        } catch (RegistryException e) {
            if (!ErrorCodes.CLUSTER_UNAVAILABLE.equals(e.code())) {
                throw e;
            }
        }
    }

    /**
     * Drops connections silent for 1.5 keepalive periods and those that began a frame longer than
     * the frame timeout ago: each gets an error frame, then is closed. Returns how many went.
     */
    public synchronized int sweep() {
        long now = now();
        legacy.expire(now);
        List<RegistrySession> idle = new ArrayList<>();
        List<RegistrySession> slow = new ArrayList<>();
        for (RegistrySession s : admission.sessions()) {
            long partial = s.partialSinceMillis();
            if (partial >= 0 && now - partial > limits.frameTimeoutMillis()) {
                slow.add(s);
            } else if (s.idleChecked && now - s.lastSeenMillis() > limits.idleMillis()) {
                idle.add(s);
            }
        }
        for (RegistrySession s : slow) {
            drop(s, error(ErrorCodes.FRAME_TIMEOUT, "a frame did not arrive whole within "
                    + limits.frameTimeoutSeconds() + " s", null));
        }
        for (RegistrySession s : idle) {
            drop(s, error(ErrorCodes.IDLE, "no frame for " + limits.idleMillis() / 1000.0 + " s", null));
        }
        return slow.size() + idle.size();
    }

    /** Sends a final error and closes; the state goes at once, not when the transport notices. */
    public synchronized void drop(RegistrySession s, JsonObject finalError) {
        if (finalError != null) {
            s.connection.send(finalError);
        }
        close(s);
        s.connection.close();
    }

    /** An error frame; counted, as every error the registry answers. */
    public JsonObject error(String code, String message, JsonElement id) {
        errors.increment();
        return Events.error(code, message, id);
    }

    public synchronized RegistryStats stats() {
        int accounts;
        int guests;
        try {
            accounts = store.names(false);
            guests = store.names(true);
        } catch (RegistryException e) { // the shared store is unreachable: unknown, not zero
            accounts = -1;
            guests = -1;
        }
        return new RegistryStats(accounts, guests, admission.sessions().size(),
                store.registrationCount(), lookups.sum(), relayed.sum(), errors.sum());
    }

    private void requireNoName(RegistrySession s) {
        requireOpen(s);
        if (s.name != null) {
            throw new RegistryException(ErrorCodes.ALREADY_AUTHENTICATED, "this connection is already " + s.name);
        }
    }

    /** A transport thread may still deliver a frame of a connection the sweep just dropped. */
    private static void requireOpen(RegistrySession s) {
        if (!s.open) {
            throw new RegistryException(ErrorCodes.CLOSED, "the connection is closed");
        }
    }

    private static void requireName(RegistrySession s) {
        requireOpen(s);
        if (s.name == null) {
            throw new RegistryException(ErrorCodes.NOT_AUTHENTICATED, "hello first");
        }
    }
}
