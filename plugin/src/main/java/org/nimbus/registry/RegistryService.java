package org.nimbus.registry;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * The registry: names held by live connections, their peer IDs, presence and relayed messages,
 * with every limit of nimbus.properties. One lock guards all state: operations are short map
 * updates, and connections only queue what they are sent. Time comes from the given clock, so
 * keepalive and frame timeouts are driven by {@link #sweep()} calls, never by sleeping.
 */
public final class RegistryService {
    private static final Pattern PEER_ID = Pattern.compile("[0-9a-f]{64}");

    public record Welcome(String name, boolean guest, int keepaliveSeconds) {
    }

    public record Lookup(String name, boolean online, List<String> peerIds) {
    }

    private final RegistryStore store;
    private final AccountTokens tokens;
    private final GuestNames guestNames;
    private final InstantSource clock;
    private final RegistryLimits limits;
    private final Set<RegistrySession> sessions = new LinkedHashSet<>();
    private final Map<String, Integer> perAddress = new HashMap<>();
    private int accounts;
    private int guests;
    private final LongAdder lookups = new LongAdder();
    private final LongAdder relayed = new LongAdder();
    private final LongAdder errors = new LongAdder();

    public RegistryService(RegistryStore store, AccountTokens tokens, GuestNames guestNames, InstantSource clock,
                           RegistryLimits limits) {
        this.store = store;
        this.tokens = tokens;
        this.guestNames = guestNames;
        this.clock = clock;
        this.limits = limits;
    }

    public RegistryLimits limits() {
        return limits;
    }

    public long now() {
        return clock.millis();
    }

    /**
     * A new connection from address (an IP literal). Refused with too-many-connections beyond the
     * per-address limit; the transport then sends the error and closes.
     */
    public synchronized RegistrySession open(RegistryConnection connection, String address, boolean idleChecked) {
        int n = perAddress.getOrDefault(address, 0);
        if (n >= limits.maxConnectionsPerIp()) {
            throw new RegistryException(ErrorCodes.TOO_MANY_CONNECTIONS,
                    "at most " + limits.maxConnectionsPerIp() + " connections per address");
        }
        perAddress.put(address, n + 1);
        RegistrySession s = new RegistrySession(connection, address, idleChecked, now(), limits.sendRate());
        sessions.add(s);
        return s;
    }

    /** Any frame from the client counts as a sign of life. */
    public void touch(RegistrySession s) {
        s.seen(now());
    }

    public synchronized Welcome helloAccount(RegistrySession s, String token) {
        requireNoName(s);
        String name = tokens.verify(token, clock.instant().getEpochSecond());
        String key = Names.key(name);
        boolean fresh = !store.isHeld(key);
        if (fresh) {
            requireRoom();
            accounts++;
        }
        bind(s, name, key, false);
        return new Welcome(name, false, limits.keepaliveSeconds());
    }

    public synchronized Welcome helloGuest(RegistrySession s) {
        requireNoName(s);
        requireRoom();
        String name = guestNames.draw(store::isHeld);
        guests++;
        bind(s, name, name, true);
        return new Welcome(name, true, limits.keepaliveSeconds());
    }

    private void requireNoName(RegistrySession s) {
        requireOpen(s);
        if (s.name != null) {
            throw new RegistryException(ErrorCodes.ALREADY_AUTHENTICATED, "this connection is already " + s.name);
        }
    }

    private void requireRoom() {
        if (accounts + guests >= limits.maxNames()) {
            throw new RegistryException(ErrorCodes.SERVER_FULL, "the registry holds its maximum of names");
        }
    }

    private void bind(RegistrySession s, String name, String key, boolean guest) {
        s.name = name;
        s.key = key;
        s.guest = guest;
        store.hold(key, s);
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

    /** Binds peerId to the caller's name; a connection holds one peer ID, a new one replaces it (or relay-only). */
    public synchronized void register(RegistrySession s, String peerId) {
        requireName(s);
        bind(s, peerId(peerId), false);
    }

    /**
     * Registers the connection relay-only: its user is online and gets relayed sends through it,
     * but it adds no peer ID to lookups. Replaces a peer ID the connection registered.
     */
    public synchronized void registerRelay(RegistrySession s) {
        requireName(s);
        bind(s, null, true);
    }

    /** The connection's one registration, replacing what it held; the user comes online if it was not. */
    private void bind(RegistrySession s, String peerId, boolean relay) {
        boolean wasOnline = !store.registrations(s.key).isEmpty();
        s.peerId = peerId;
        s.relay = relay;
        store.register(s.key, s);
        if (!wasOnline) {
            presence(s.key, s.name, true);
        }
    }

    public synchronized void unregister(RegistrySession s, String peerId) {
        requireName(s);
        String id = peerId(peerId);
        if (!id.equals(s.peerId)) {
            throw new RegistryException(ErrorCodes.NOT_REGISTERED, "this connection has not registered that peer ID");
        }
        dropRegistration(s);
    }

    public synchronized void unregisterRelay(RegistrySession s) {
        requireName(s);
        if (!s.relay) {
            throw new RegistryException(ErrorCodes.NOT_REGISTERED, "this connection is not registered relay-only");
        }
        dropRegistration(s);
    }

    private static String peerId(String peerId) {
        if (peerId == null || !PEER_ID.matcher(peerId).matches()) {
            throw new RegistryException(ErrorCodes.BAD_PEER_ID, "a peer ID is 64 lower-case hex characters");
        }
        return peerId;
    }

    private void dropRegistration(RegistrySession s) {
        if (s.peerId == null && !s.relay) {
            return;
        }
        s.peerId = null;
        s.relay = false;
        store.unregister(s.key, s);
        if (store.registrations(s.key).isEmpty()) {
            presence(s.key, s.name, false);
        }
    }

    private void presence(String key, String name, boolean online) {
        JsonObject event = new JsonObject();
        event.addProperty("op", "presence");
        event.addProperty("name", name);
        event.addProperty("online", online);
        for (RegistrySession follower : store.subscribers(key)) {
            follower.connection.send(event);
        }
    }

    /**
     * All peer IDs of a user, newest registration first; relay-only registrations make the user
     * online but add none. Any string may be asked; invalid names are simply offline.
     */
    public synchronized Lookup lookup(RegistrySession s, String name) {
        requireName(s);
        return lookup(name);
    }

    synchronized Lookup lookup(String name) {
        lookups.increment();
        if (name == null || name.length() > 4 * Names.MAX_LENGTH) {
            return new Lookup(name, false, List.of());
        }
        List<RegistrySession> regs = store.registrations(Names.key(name));
        if (regs.isEmpty()) {
            return new Lookup(name, false, List.of());
        }
        List<String> ids = new ArrayList<>(regs.size());
        for (RegistrySession r : regs) {
            if (r.peerId != null) {
                ids.add(r.peerId);
            }
        }
        return new Lookup(regs.get(0).name, true, ids);
    }

    /** Follows names; returns the subset online now. Beyond max_subscriptions nothing is added. */
    public synchronized List<String> subscribe(RegistrySession s, List<String> names) {
        requireName(s);
        Map<String, String> wanted = new LinkedHashMap<>();
        for (String n : names) {
            if (n.length() <= 4 * Names.MAX_LENGTH) {
                wanted.putIfAbsent(Names.key(n), n);
            }
        }
        int added = 0;
        for (String key : wanted.keySet()) {
            if (!s.subscriptions.contains(key)) {
                added++;
            }
        }
        if (s.subscriptions.size() + added > limits.maxSubscriptions()) {
            throw new RegistryException(ErrorCodes.TOO_MANY_SUBSCRIPTIONS,
                    "at most " + limits.maxSubscriptions() + " names followed per connection");
        }
        List<String> online = new ArrayList<>();
        wanted.forEach((key, asked) -> {
            if (s.subscriptions.add(key)) {
                store.subscribe(key, s);
            }
            if (!store.registrations(key).isEmpty()) {
                online.add(asked);
            }
        });
        return online;
    }

    public synchronized void unsubscribe(RegistrySession s, List<String> names) {
        requireName(s);
        for (String n : names) {
            String key = Names.key(n);
            if (s.subscriptions.remove(key)) {
                store.unsubscribe(key, s);
            }
        }
    }

    /** Relays text to every registered connection of the user (relay-only ones included); returns how many got it. */
    public synchronized int send(RegistrySession s, String to, String text) {
        requireName(s);
        if (text.codePointCount(0, text.length()) > limits.maxTextChars()) {
            throw new RegistryException(ErrorCodes.TOO_LONG, "text longer than " + limits.maxTextChars() + " characters");
        }
        takeSendToken(s);
        List<RegistrySession> targets = to.length() > 4 * Names.MAX_LENGTH ? List.of() : store.registrations(Names.key(to));
        if (targets.isEmpty()) {
            throw new RegistryException(ErrorCodes.UNKNOWN_USER, "'" + to + "' is offline");
        }
        JsonObject message = new JsonObject();
        message.addProperty("op", "message");
        message.addProperty("from", s.name);
        message.addProperty("text", text);
        message.addProperty("ts", now());
        for (RegistrySession t : targets) {
            t.connection.send(message);
        }
        relayed.increment();
        return targets.size();
    }

    /** A token bucket of send_rate tokens refilled at send_rate per second: bursts up to one second's worth. */
    private void takeSendToken(RegistrySession s) {
        long now = now();
        int rate = limits.sendRate();
        s.sendTokens = Math.min(rate, s.sendTokens + (now - s.sendRefilledAt) * rate / 1000.0);
        s.sendRefilledAt = now;
        if (s.sendTokens < 1) {
            throw new RegistryException(ErrorCodes.RATE_LIMITED, "at most " + rate + " sends per second");
        }
        s.sendTokens -= 1;
    }

    /** The connection is gone (closed by either side): its name, registration and subscriptions go at once. */
    public synchronized void close(RegistrySession s) {
        if (!s.open) {
            return;
        }
        s.open = false;
        sessions.remove(s);
        perAddress.computeIfPresent(s.address, (a, n) -> n <= 1 ? null : n - 1);
        for (String key : s.subscriptions) {
            store.unsubscribe(key, s);
        }
        s.subscriptions.clear();
        if (s.name != null) {
            dropRegistration(s);
            store.release(s.key, s);
            if (!store.isHeld(s.key)) {
                if (s.guest) {
                    guests--;
                } else {
                    accounts--;
                }
            }
        }
    }

    /**
     * Drops connections silent for 1.5 keepalive periods and those that began a frame longer than
     * the frame timeout ago: each gets an error frame, then is closed. Returns how many went.
     */
    public synchronized int sweep() {
        long now = now();
        List<RegistrySession> idle = new ArrayList<>();
        List<RegistrySession> slow = new ArrayList<>();
        for (RegistrySession s : sessions) {
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
        JsonObject e = new JsonObject();
        e.addProperty("op", "error");
        e.addProperty("code", code);
        e.addProperty("message", message);
        if (id != null) {
            e.add("id", id);
        }
        return e;
    }

    public synchronized RegistryStats stats() {
        return new RegistryStats(accounts, guests, sessions.size(), store.registrationCount(), lookups.sum(),
                relayed.sum(), errors.sum());
    }
}
