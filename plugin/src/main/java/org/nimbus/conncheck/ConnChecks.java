package org.nimbus.conncheck;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.nimbus.rtmfp.handshake.EndpointDiscriminator;
import org.nimbus.rtmfp.handshake.ForwardedIHello;
import org.nimbus.rtmfp.handshake.IHello;
import org.nimbus.rtmfp.handshake.PeerAddress;
import org.nimbus.rtmfp.handshake.RHello;
import org.nimbus.rtmfp.handshake.StartupPackets;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.DatagramFraming;
import org.nimbus.rtmfp.packet.MalformedException;
import org.nimbus.tc.PeerAddresses;

/**
 * The connectivity check's probing, as a pure state machine (datagrams and time in, datagrams and
 * results out; no socket, thread or clock). A check starts on the client's {@code setPeerInfo}
 * (RFC 7425 §5.3.3): the server sends IHellos (RFC 7016 §2.3.2) naming the client's own peer ID
 * from another port of its address and from another address, and a Forwarded IHello (§2.3.3)
 * inside the client's session whose reply address is a third address. A client answers an IHello
 * that names it with an RHello echoing the tag (§3.5.1.1.2, §3.5.1.5); which of the extra sockets
 * gets that RHello, and from where, tells what its NAT lets through. Probes repeat every interval
 * until answered; after the tries the unanswered ones count as blocked.
 *
 * <p>Bounded: at most {@code maxChecks} at once, one per key, a fixed number of datagrams each;
 * the extra sockets accept only a startup packet carrying an RHello with a live check's tag.
 *
 * @param <K> what a check belongs to (the session)
 */
public final class ConnChecks<K> {

    /** The extra sockets: another port on the server's address, another address, the introduction's reply address. */
    public enum Socket { OTHER_PORT, OTHER_ADDRESS, INTRODUCTION }

    /** Timing and bounds; the defaults follow the reference (5 tries, probes staggered by 20 ms). */
    public record Limits(int maxChecks, int tries, long intervalMillis, long staggerMillis) {
        public static Limits defaults(int maxChecks) {
            return new Limits(maxChecks, 5, 500, 20);
        }
    }

    /** Where the check's datagrams go; called on the caller's thread during {@code start}, {@code onDatagram}, {@code onTimer}. */
    public interface Output<K> {
        /** A startup packet (session ID 0) to send from one of the extra sockets. */
        void probe(Socket from, InetSocketAddress to, byte[] datagram);

        /** A Forwarded IHello chunk to send inside the key's session. */
        void forward(K key, Chunk forwardedIHello);

        /** The check is over. */
        void done(K key, Results results);
    }

    /**
     * The result fields of the reference {@code conncheck} (rtmfp-cpp test/conncheck.cpp): null
     * where it sends null, i.e. the setPeerInfo list was empty, or the server has no such socket.
     */
    public record Results(String publicAddress, Boolean publicAddressIsLocal, Boolean publicPortMatchesLocalPort,
                          boolean receiveSameAddressDifferentPortAllowed, Boolean receiveDifferentAddressDifferentPortAllowed,
                          Boolean sendAfterIntroductionAllowed, Boolean sendAfterIntroductionPreservesSourceAddress,
                          Boolean sendAfterIntroductionPreservesSourcePort) {
    }

    private final class Check {
        final K key;
        final byte[] tag;
        final byte[] epd;
        final InetSocketAddress publicAddress;
        final List<InetSocketAddress> reported;
        final long started;
        final Map<Socket, Integer> sent = new EnumMap<>(Socket.class);
        final Map<Socket, InetSocketAddress> answered = new EnumMap<>(Socket.class);

        Check(K key, byte[] tag, byte[] epd, InetSocketAddress publicAddress, List<InetSocketAddress> reported, long now) {
            this.key = key;
            this.tag = tag;
            this.epd = epd;
            this.publicAddress = publicAddress;
            this.reported = reported;
            this.started = now;
        }

        boolean finished() {
            for (Socket s : sockets) {
                if (!answered.containsKey(s)) {
                    return false;
                }
            }
            return true;
        }
    }

    private final StartupPackets packets;
    private final Set<Socket> sockets;
    private final InetSocketAddress introReplyAddress;
    private final Limits limits;
    private final Supplier<byte[]> tags;
    private final Output<K> out;
    private final Map<K, Check> byKey = new HashMap<>();
    private final Map<ByteBuffer, Check> byTag = new HashMap<>();
    private long ignored;

    /**
     * @param sockets           the extra sockets the server has; {@link Socket#OTHER_PORT} is required
     * @param introReplyAddress the INTRODUCTION socket's address as clients reach it (null without that socket)
     * @param tags              fresh random tags (32 bytes)
     */
    public ConnChecks(StartupPackets packets, Set<Socket> sockets, InetSocketAddress introReplyAddress, Limits limits,
                      Supplier<byte[]> tags, Output<K> out) {
        if (!sockets.contains(Socket.OTHER_PORT)) {
            throw new IllegalArgumentException("a connectivity check needs at least another port");
        }
        if (sockets.contains(Socket.INTRODUCTION) != (introReplyAddress != null)) {
            throw new IllegalArgumentException("the introduction socket needs its reply address");
        }
        this.packets = packets;
        this.sockets = Set.copyOf(sockets);
        this.introReplyAddress = introReplyAddress;
        this.limits = limits;
        this.tags = tags;
        this.out = out;
    }

    /** Checks under way. */
    public int active() {
        return byKey.size();
    }

    /** Whether the key's check is under way. */
    public boolean checking(K key) {
        return byKey.containsKey(key);
    }

    /** Datagrams on the extra sockets that were not an RHello of a live check. */
    public long ignored() {
        return ignored;
    }

    /**
     * Starts the check of a client with this peer ID, seen at {@code publicAddress}, that reported
     * {@code reported} in setPeerInfo. False (nothing starts) when the key is already checked or
     * {@code maxChecks} are under way.
     */
    public boolean start(K key, byte[] peerId, InetSocketAddress publicAddress, List<InetSocketAddress> reported, long now) {
        if (byKey.containsKey(key) || byKey.size() >= limits.maxChecks()) {
            return false;
        }
        Check c = new Check(key, tags.get().clone(), EndpointDiscriminator.forPeer(peerId), publicAddress,
                List.copyOf(reported), now);
        byKey.put(key, c);
        byTag.put(ByteBuffer.wrap(c.tag), c);
        onTimer(now);
        return true;
    }

    /** Forgets a check without results (its session closed). */
    public void cancel(K key) {
        Check c = byKey.remove(key);
        if (c != null) {
            byTag.remove(ByteBuffer.wrap(c.tag));
        }
    }

    /** A datagram that arrived on one of the extra sockets. */
    public void onDatagram(Socket on, InetSocketAddress from, byte[] datagram, long now) {
        RHello rhello = rhelloIn(datagram);
        Check c = rhello == null ? null : byTag.get(ByteBuffer.wrap(rhello.tagEcho()));
        if (c == null || !sockets.contains(on)) {
            ignored++;
            return;
        }
        c.answered.putIfAbsent(on, from);
        if (c.finished()) {
            finish(c);
        }
    }

    /** The earliest time {@link #onTimer} has work, or Long.MAX_VALUE. */
    public long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (Check c : byKey.values()) {
            next = Math.min(next, deadline(c));
        }
        return next;
    }

    /** Sends due probes and ends checks whose time is up. */
    public void onTimer(long now) {
        for (Check c : new ArrayList<>(byKey.values())) {
            if (now >= expiry(c)) {
                finish(c);
                continue;
            }
            int i = 0;
            for (Socket s : Socket.values()) {
                i++;
                if (!sockets.contains(s) || c.answered.containsKey(s)) {
                    continue;
                }
                int n = c.sent.getOrDefault(s, 0);
                if (n < limits.tries() && now >= c.started + i * limits.staggerMillis() + n * limits.intervalMillis()) {
                    c.sent.put(s, n + 1);
                    send(c, s, now);
                }
            }
        }
    }

    private long expiry(Check c) {
        return c.started + 3 * limits.staggerMillis() + limits.tries() * limits.intervalMillis();
    }

    private long deadline(Check c) {
        long d = expiry(c);
        int i = 0;
        for (Socket s : Socket.values()) {
            i++;
            int n = c.sent.getOrDefault(s, 0);
            if (sockets.contains(s) && !c.answered.containsKey(s) && n < limits.tries()) {
                d = Math.min(d, c.started + i * limits.staggerMillis() + n * limits.intervalMillis());
            }
        }
        return d;
    }

    private void send(Check c, Socket s, long now) {
        if (s == Socket.INTRODUCTION) {
            // §3.5.1.5: a peer told of an initiator sends its RHello to the FIHello's reply address.
            out.forward(c.key, new ForwardedIHello(c.epd, PeerAddress.of(introReplyAddress, PeerAddress.ORIGIN_LOCAL), c.tag).chunk());
        } else {
            out.probe(s, c.publicAddress, packets.seal(0, new IHello(c.epd, c.tag).chunk(), now));
        }
    }

    private void finish(Check c) {
        cancel(c.key);
        Boolean isLocal = null;
        Boolean portMatches = null;
        if (!c.reported.isEmpty()) {
            isLocal = c.reported.contains(c.publicAddress);
            portMatches = c.reported.stream().anyMatch(a -> a.getPort() == c.publicAddress.getPort());
        }
        Boolean otherAddress = sockets.contains(Socket.OTHER_ADDRESS) ? c.answered.containsKey(Socket.OTHER_ADDRESS) : null;
        Boolean intro = null;
        Boolean introAddress = null;
        Boolean introPort = null;
        if (sockets.contains(Socket.INTRODUCTION)) {
            InetSocketAddress from = c.answered.get(Socket.INTRODUCTION);
            intro = from != null;
            introAddress = from != null && from.equals(c.publicAddress);
            introPort = from != null && from.getPort() == c.publicAddress.getPort();
        }
        out.done(c.key, new Results(PeerAddresses.format(c.publicAddress), isLocal, portMatches,
                c.answered.containsKey(Socket.OTHER_PORT), otherAddress, intro, introAddress, introPort));
    }

    /** The RHello of a startup packet to session ID 0 under the default key, or null. */
    private RHello rhelloIn(byte[] datagram) {
        try {
            DatagramFraming.Opened opened = packets.open(datagram, 0, datagram.length);
            if (opened.sessionId() != 0) {
                return null;
            }
            for (Chunk chunk : opened.packet().chunks()) {
                if (chunk.type() == Chunk.RHELLO) {
                    return RHello.decode(chunk.payload());
                }
            }
        } catch (MalformedException | RuntimeException e) {
            // garbage on an extra socket: counted by the caller as ignored
        }
        return null;
    }
}
