package org.nimbus.conformance.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.nimbus.conformance.crypto.DhGroup;
import org.nimbus.conformance.crypto.DiffieHellman;
import org.nimbus.conformance.crypto.Negotiated;
import org.nimbus.conformance.crypto.ProfileOptions;
import org.nimbus.conformance.crypto.SessionKeys;
import org.nimbus.conformance.wire.ByteReader;
import org.nimbus.conformance.wire.ByteWriter;
import org.nimbus.conformance.wire.Chunk;
import org.nimbus.conformance.wire.ChunkType;
import org.nimbus.conformance.wire.CryptoDirection;
import org.nimbus.conformance.wire.DatagramCodec;
import org.nimbus.conformance.wire.ForwardedIHello;
import org.nimbus.conformance.wire.IHello;
import org.nimbus.conformance.wire.IIKeying;
import org.nimbus.conformance.wire.Option;
import org.nimbus.conformance.wire.OptionList;
import org.nimbus.conformance.wire.Packet;
import org.nimbus.conformance.wire.PacketMode;
import org.nimbus.conformance.wire.RHello;
import org.nimbus.conformance.wire.RIKeying;
import org.nimbus.conformance.wire.WireFormatException;

/**
 * This client as the target of an introduction, what a Flash peer does when another peer opens
 * a stream to its peer ID (RFC 7016 §3.5.1.1.2 and §3.5.1.2, RFC 7425 §4): a Forwarded IHello
 * from the server inside the server session, or an IHello sent straight to us naming our peer
 * ID, gets an RHello (to the address in the FIHello, resp. the IHello's source) carrying our own
 * certificate, so the initiator can check it hashes to the ID it asked for; the initiator's
 * IIKeying with one of our cookies gets an RIKeying, and a direct session opens, responder
 * side. All on the socket of the server session, as NAT traversal needs.
 */
public final class PeerResponder {
    private static final int COOKIE_LENGTH = 64;
    private static final int HMAC_LENGTH = 10;
    private static final Duration SLICE = Duration.ofMillis(5);
    /**
     * How long {@link #serve} waits for a datagram before it looks at its stop condition again;
     * to stop it sooner, send its socket any datagram after the condition changes.
     */
    public static final Duration STOP_CHECK = Duration.ofSeconds(10);

    private final Session server;
    private final UdpTransport transport;
    private final byte[] certificate;
    private final byte[] peerId;
    private final SecureRandom random = new SecureRandom();
    private final Map<ByteBuffer, byte[]> cookies = new HashMap<>();
    private final Map<ByteBuffer, Answered> answered = new HashMap<>();
    private final List<ForwardedIHello> forwarded = new ArrayList<>();
    private final List<InetSocketAddress> rhelloSentTo = new ArrayList<>();
    private final long startNanos = System.nanoTime();
    private int serverPacketsSeen;

    private record Answered(byte[] rikeying, Session session) {
    }

    public PeerResponder(RtmfpClient client, Session server) {
        this.server = server;
        this.transport = client.transport();
        this.certificate = server.info().clientCertificate();
        this.peerId = server.info().peerId();
    }

    /** Forwarded IHellos received from the server so far. */
    public List<ForwardedIHello> forwardedIHellos() {
        return List.copyOf(forwarded);
    }

    /** Every address an RHello went to, in order. */
    public List<InetSocketAddress> rhelloDestinations() {
        return List.copyOf(rhelloSentTo);
    }

    /** {@link #accept} on another thread, for a test that is also the initiator; failures complete it exceptionally. */
    public CompletableFuture<Session> acceptAsync(Duration timeout) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return accept(timeout);
            } catch (IOException | RtmfpException e) {
                throw new CompletionException(e.getMessage(), e);
            }
        });
    }

    /**
     * Serves introductions until an initiator has completed a handshake and its first session
     * packet has arrived (so our RIKeying evidently reached it); returns that session.
     */
    public Session accept(Duration timeout) throws IOException, RtmfpException {
        long deadline = System.nanoTime() + timeout.toNanos();
        transport.claim(0);
        try {
            while (System.nanoTime() < deadline) {
                server.idle(SLICE);
                answerForwardedIHellos();
                UdpTransport.Datagram d = transport.receive(System.nanoTime() + SLICE.toNanos(), x -> x.sessionId() == 0);
                if (d != null) {
                    onStartup(d);
                }
                for (Answered a : answered.values()) {
                    a.session().idle(SLICE);
                    if (!a.session().receivedPackets().isEmpty()) {
                        return a.session();
                    }
                }
            }
        } finally {
            transport.release(0);
        }
        throw new RtmfpException("no peer completed a handshake within " + timeout.toMillis() + " ms (FIHellos "
                + forwarded.size() + ", RHellos sent to " + rhelloSentTo + ")");
    }

    /**
     * Answers what a connectivity check sends until {@code done} holds or the time is up (returns
     * whether it held): IHellos naming our peer ID from any address (RFC 7016 §3.5.1.1.2, as a
     * Flash peer answers them) and Forwarded IHellos in the server session (§3.5.1.5), each with
     * an RHello from this socket; the server session meanwhile keeps its messages for the caller.
     */
    public boolean serveUntil(BooleanSupplier done, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        transport.claim(0);
        try {
            while (!done.getAsBoolean()) {
                if (System.nanoTime() >= deadline) {
                    return false;
                }
                server.idle(SLICE);
                answerForwardedIHellos();
                UdpTransport.Datagram d = transport.receive(System.nanoTime() + SLICE.toNanos(), x -> x.sessionId() == 0);
                if (d != null) {
                    onStartup(d);
                }
            }
            answerForwardedIHellos();
            return true;
        } finally {
            transport.release(0);
        }
    }

    /**
     * Serves everything this socket brings, on this thread, for as long as {@code keepServing}
     * holds (checked after each datagram, and at least every {@link #STOP_CHECK}), as a Flash
     * peer that stays online does:
     * the server session (its pings and Forwarded IHellos), initiators' IHellos and IIKeyings,
     * and the direct sessions they open. Each datagram is handled as it arrives; a direct session
     * goes to {@code onAccepted} once its first packet has come.
     */
    public void serve(BooleanSupplier keepServing, Consumer<Session> onAccepted) throws IOException {
        long serverId = server.initiatorSessionId() & 0xffffffffL;
        while (keepServing.getAsBoolean()) {
            UdpTransport.Datagram d = transport.receive(System.nanoTime() + STOP_CHECK.toNanos());
            if (d == null) {
                continue;
            }
            long sid = d.sessionId();
            if (sid == 0) {
                onStartup(d);
            } else if (sid == serverId) {
                server.deliver(d);
                answerForwardedIHellos();
            } else {
                for (Answered a : answered.values()) {
                    if ((a.session().initiatorSessionId() & 0xffffffffL) == sid) {
                        boolean first = a.session().receivedPackets().isEmpty();
                        a.session().deliver(d);
                        if (first && !a.session().receivedPackets().isEmpty()) {
                            onAccepted.accept(a.session());
                        }
                        break;
                    }
                }
            }
        }
    }

    private void answerForwardedIHellos() throws IOException {
        List<Session.Received> log = server.receivedPackets();
        for (; serverPacketsSeen < log.size(); serverPacketsSeen++) {
            for (Chunk c : log.get(serverPacketsSeen).packet().chunks()) {
                if (c.type() != ChunkType.FORWARDED_IHELLO) {
                    continue;
                }
                ForwardedIHello f;
                try {
                    f = ForwardedIHello.decode(c.payload());
                } catch (WireFormatException e) {
                    continue;
                }
                forwarded.add(f);
                if (namesUs(f.epd())) {
                    sendRHello(f.replyAddress().socketAddress(), f.tag());
                }
            }
        }
    }

    private boolean namesUs(byte[] epd) {
        try {
            return OptionList.parse(epd).first(ProfileOptions.EPD_FINGERPRINT)
                    .map(o -> Arrays.equals(o.value(), peerId)).orElse(false);
        } catch (WireFormatException e) {
            return false;
        }
    }

    private void onStartup(UdpTransport.Datagram d) throws IOException {
        Packet p;
        try {
            p = DatagramCodec.decode(d.bytes(), CryptoDirection.startup()).packet();
        } catch (WireFormatException e) {
            return;
        }
        for (Chunk c : p.chunks()) {
            try {
                if (c.type() == ChunkType.IHELLO) {
                    IHello h = IHello.decode(c.payload());
                    if (namesUs(h.epd())) {
                        sendRHello(d.from(), h.tag());
                    }
                } else if (c.type() == ChunkType.IIKEYING) {
                    onIIKeying(d.from(), IIKeying.decode(c.payload()));
                }
            } catch (WireFormatException | IllegalStateException | IllegalArgumentException e) {
                // malformed or unacceptable handshake chunk: drop it, as §3.5.1 asks
            }
        }
    }

    /** One cookie per initiator tag, so RHellos to every candidate address carry the same one. */
    private void sendRHello(InetSocketAddress to, byte[] tag) throws IOException {
        byte[] cookie = cookies.computeIfAbsent(ByteBuffer.wrap(tag.clone()), t -> {
            byte[] c = new byte[COOKIE_LENGTH];
            random.nextBytes(c);
            return c;
        });
        transport.send(startup(0, new RHello(tag, cookie, certificate).toChunk()), to);
        rhelloSentTo.add(to);
    }

    private boolean isOurCookie(byte[] cookie) {
        return cookies.values().stream().anyMatch(c -> Arrays.equals(c, cookie));
    }

    private void onIIKeying(InetSocketAddress from, IIKeying k) throws IOException {
        if (!isOurCookie(k.cookieEcho()) || k.initiatorSessionId() == 0) {
            return;
        }
        ByteBuffer key = ByteBuffer.wrap(k.cookieEcho().clone());
        Answered previous = answered.get(key);
        if (previous != null) {
            transport.send(previous.rikeying(), from); // a retransmission: the same answer
            return;
        }
        OptionList skic = OptionList.parse(k.skic());
        DhGroup group = DhGroup.byId(skic.first(ProfileOptions.KEYING_DH_GROUP_SELECT)
                .orElseThrow(() -> new IllegalArgumentException("SKIC selects no DH group")).valueAsVlu())
                .orElseThrow(() -> new IllegalArgumentException("unknown DH group"));
        byte[] initiatorKey = null;
        for (Option o : OptionList.parse(k.certificate()).all(ProfileOptions.CERT_STATIC_DH_PUBLIC_KEY)) {
            ByteReader r = new ByteReader(o.value());
            if (r.vlu() == group.id) {
                initiatorKey = r.rest();
            }
        }
        if (initiatorKey == null) {
            throw new IllegalArgumentException("certificate has no key of the selected group");
        }
        DiffieHellman dh = DiffieHellman.generate(group, random);
        byte[] secret = dh.sharedSecret(initiatorKey);
        int[] hmacOffer = offer(skic, ProfileOptions.KEYING_HMAC_NEGOTIATION);
        int[] ssnOffer = offer(skic, ProfileOptions.KEYING_SSN_NEGOTIATION);
        // §4.6.4/§4.6.5: send what the initiator requests, decline the rest (as Nimbus and Mona do).
        boolean sendHmac = (hmacOffer[0] & ProfileOptions.NEGOTIATE_REQUEST) != 0;
        boolean recvHmac = (hmacOffer[0] & ProfileOptions.NEGOTIATE_SEND_ALWAYS) != 0;
        boolean sendSsn = (ssnOffer[0] & ProfileOptions.NEGOTIATE_REQUEST) != 0;
        boolean recvSsn = (ssnOffer[0] & ProfileOptions.NEGOTIATE_SEND_ALWAYS) != 0;
        byte[] skrc = new ByteWriter()
                .bytes(Option.of(ProfileOptions.KEYING_HMAC_NEGOTIATION, sendHmac
                        ? new ByteWriter().u8(ProfileOptions.NEGOTIATE_SEND_ALWAYS).vlu(HMAC_LENGTH).toByteArray()
                        : new byte[] {0, 0}).encode())
                .bytes(Option.of(ProfileOptions.KEYING_SSN_NEGOTIATION,
                        new byte[] {(byte) (sendSsn ? ProfileOptions.NEGOTIATE_SEND_ALWAYS : 0)}).encode())
                .bytes(Option.of(ProfileOptions.KEYING_EPHEMERAL_DH_PUBLIC_KEY,
                        new ByteWriter().vlu(group.id).bytes(dh.publicKey()).toByteArray()).encode())
                .toByteArray();
        SessionKeys keys = SessionKeys.deriveForInitiator(secret, k.skic(), skrc).mirrored();
        CryptoDirection send = new CryptoDirection(keys.encryptKey(), sendHmac ? keys.hmacSendKey() : null,
                HMAC_LENGTH, sendSsn);
        CryptoDirection recv = new CryptoDirection(keys.decryptKey(), recvHmac ? keys.hmacRecvKey() : null,
                hmacOffer[1], recvSsn);
        int localId = 1 + random.nextInt(Integer.MAX_VALUE - 1);
        byte[] rikeying = startup(k.initiatorSessionId(), new RIKeying(localId, skrc, Handshake.SIGNATURE).toChunk());
        Session.Info info = new Session.Info(server.info().uri(), certificate, k.certificate(), keys,
                new Negotiated(sendHmac, sendHmac ? HMAC_LENGTH : 0, recvHmac, recvHmac ? hmacOffer[1] : 0, hmacOffer[0]),
                new Negotiated(sendSsn, 0, recvSsn, 0, ssnOffer[0]), group, 0, 0, 0);
        Session session = new Session(transport, from, k.initiatorSessionId(), localId, send, recv, info,
                PacketMode.RESPONDER);
        answered.put(key, new Answered(rikeying, session));
        transport.send(rikeying, from);
    }

    /** The initiator's flags and HMAC length for one negotiation option ({0, 0} when absent). */
    private static int[] offer(OptionList skic, int type) {
        return skic.first(type).filter(o -> o.value().length > 0).map(o -> {
            ByteReader r = new ByteReader(o.value());
            int flags = r.u8();
            int length = r.hasRemaining() ? (int) r.vlu() : 0;
            return new int[] {flags, length};
        }).orElse(new int[] {0, 0});
    }

    private byte[] startup(int sessionId, Chunk chunk) {
        int ts = (int) (((System.nanoTime() - startNanos) / 4_000_000L) & 0xffff);
        return DatagramCodec.encode(sessionId, Packet.of(PacketMode.STARTUP, ts, -1, List.of(chunk)).encode(),
                CryptoDirection.startup(), 0);
    }
}
