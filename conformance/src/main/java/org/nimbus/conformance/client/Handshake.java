package org.nimbus.conformance.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nimbus.conformance.crypto.ClientCertificate;
import org.nimbus.conformance.crypto.DhGroup;
import org.nimbus.conformance.crypto.DiffieHellman;
import org.nimbus.conformance.crypto.Identity;
import org.nimbus.conformance.crypto.KeyingComponent;
import org.nimbus.conformance.crypto.Negotiated;
import org.nimbus.conformance.crypto.ProfileOptions;
import org.nimbus.conformance.crypto.SessionKeys;
import org.nimbus.conformance.wire.Chunk;
import org.nimbus.conformance.wire.ChunkType;
import org.nimbus.conformance.wire.CookieChange;
import org.nimbus.conformance.wire.CryptoDirection;
import org.nimbus.conformance.wire.DatagramCodec;
import org.nimbus.conformance.wire.IHello;
import org.nimbus.conformance.wire.IIKeying;
import org.nimbus.conformance.wire.Option;
import org.nimbus.conformance.wire.OptionList;
import org.nimbus.conformance.wire.Packet;
import org.nimbus.conformance.wire.PacketMode;
import org.nimbus.conformance.wire.PeerAddress;
import org.nimbus.conformance.wire.RHello;
import org.nimbus.conformance.wire.RIKeying;
import org.nimbus.conformance.wire.Redirect;
import org.nimbus.conformance.wire.WireFormatException;

/**
 * The initiator side of RFC 7016 §3.5.1 session startup with the RFC 7425 §4 crypto profile,
 * step by step so robustness cases can repeat or skip steps: IHello → RHello (or Redirect) →
 * IIKeying → RIKeying (or cookie change), then {@link #establish()}.
 */
public final class Handshake {
    /** Flash/librtmfp's one-byte IIKeying signature. */
    public static final byte[] SIGNATURE = {0x58};

    private final UdpTransport transport;
    private final RtmfpUri uri;
    private final ConnectOptions options;
    private final long startNanos = System.nanoTime();

    private final byte[] tag;
    private final byte[] epd;
    /** The peer asked for by a fingerprint EPD, or null for a handshake with the server itself. */
    private final byte[] peerId;
    private final List<InetSocketAddress> ihelloTargets = new ArrayList<>();
    private final List<Redirect> redirects = new ArrayList<>();
    private int cookieChanges;
    private int retransmissions;
    private int dropped;

    private RHello rhello;
    private InetSocketAddress responder;
    private byte[] cookie;
    private DiffieHellman dh;
    private byte[] certificate;
    private byte[] skic;
    private int initiatorSessionId;
    private RIKeying rikeying;

    public Handshake(UdpTransport transport, RtmfpUri uri, ConnectOptions options) {
        this(transport, uri, options, null);
    }

    private Handshake(UdpTransport transport, RtmfpUri uri, ConnectOptions options, byte[] peerId) {
        this.transport = transport;
        this.uri = uri;
        this.options = options;
        this.tag = options.fixedTag != null ? options.fixedTag.clone() : random(16);
        this.peerId = peerId == null ? null : peerId.clone();
        this.epd = peerId != null ? Option.of(ProfileOptions.EPD_FINGERPRINT, peerId).encode()
                : Option.of(ProfileOptions.EPD_ANCILLARY_DATA, uri.epdText(options.epdForm).getBytes(StandardCharsets.UTF_8)).encode();
        this.ihelloTargets.add(uri.socketAddress());
    }

    /**
     * A handshake with another peer, introduced by the server at {@code server} (RFC 7016
     * §3.5.1.1.2, RFC 7425 §4.4.2): the IHello's EPD is the peer's ID as a fingerprint
     * ({@code 21 0f <32 bytes>}); the server answers with a Redirect to the peer's addresses
     * and forwards the IHello to the peer, which answers with an RHello whose certificate must
     * hash to that ID. The IHello keeps going to the server too, so every retransmission is
     * forwarded again while the NATs on the path open.
     */
    public static Handshake toPeer(UdpTransport transport, RtmfpUri server, byte[] peerId, ConnectOptions options) {
        if (peerId.length != 32) {
            throw new IllegalArgumentException("peer ID of " + peerId.length + " bytes");
        }
        return new Handshake(transport, server, options, peerId);
    }

    private byte[] random(int n) {
        byte[] b = new byte[n];
        options.random.nextBytes(b);
        return b;
    }

    private int timestamp() {
        return (int) (((System.nanoTime() - startNanos) / 4_000_000L) & 0xffff);
    }

    /** A startup-mode packet (§2.2.4: mode 3, timestamp present) under the default key, session id 0. */
    public byte[] startupDatagram(Chunk chunk) {
        Packet p = Packet.of(PacketMode.STARTUP, timestamp(), -1, List.of(chunk));
        return DatagramCodec.encode(0, p.encode(), CryptoDirection.startup(), 0);
    }

    public byte[] ihelloDatagram() {
        return startupDatagram(new IHello(epd, tag).toChunk());
    }

    public void sendIHello() throws IOException {
        byte[] d = ihelloDatagram();
        for (InetSocketAddress to : ihelloTargets) {
            transport.send(d, to);
        }
    }

    /** Sends IHello and waits for the RHello, retransmitting (§3.5.1.1.1) and following Redirects. */
    public RHello awaitRHello() throws IOException, RtmfpException {
        sendIHello();
        Chunk c = awaitStartupChunk(0, this::sendIHello, ChunkType.RHELLO, ChunkType.REDIRECT);
        while (c.type() == ChunkType.REDIRECT) {
            onRedirect(Redirect.decode(c.payload()));
            sendIHello();
            c = awaitStartupChunk(0, this::sendIHello, ChunkType.RHELLO, ChunkType.REDIRECT);
        }
        return rhello;
    }

    private void onRedirect(Redirect r) throws RtmfpException {
        redirects.add(r);
        List<InetSocketAddress> next = new ArrayList<>();
        for (PeerAddress a : r.destinations()) {
            if (!a.isEmpty()) {
                next.add(a.socketAddress());
            }
        }
        if (next.isEmpty()) {
            throw new RtmfpException("Redirect with no usable address (peer gone)");
        }
        if (peerId == null) {
            ihelloTargets.clear();
        }
        for (InetSocketAddress a : next) {
            if (!ihelloTargets.contains(a)) {
                ihelloTargets.add(a);
            }
        }
    }

    private DiffieHellman keyFor(DhGroup g) {
        return options.dhKeys != null ? options.dhKeys.apply(g) : DiffieHellman.generate(g, options.random);
    }

    /** Builds the certificate and SKIC for the configured group (RFC 7425 §4). */
    private void prepareKeying() {
        if (certificate != null) {
            return;
        }
        DhGroup g = options.dhGroup;
        dh = options.fixedDhPrivateKey != null ? DiffieHellman.fromPrivate(g, options.fixedDhPrivateKey)
                : keyFor(g);
        List<DiffieHellman> staticKeys = new ArrayList<>();
        if (options.certificateForm == CertificateForm.MULTI_GROUP) {
            for (DhGroup other : List.of(DhGroup.GROUP_16, DhGroup.GROUP_14, DhGroup.GROUP_2)) {
                staticKeys.add(other == g ? dh : keyFor(other));
            }
            if (!staticKeys.contains(dh)) {
                staticKeys.add(dh);
            }
        } else {
            staticKeys.add(dh);
        }
        certificate = ClientCertificate.encode(staticKeys);
        byte[] rnd = options.fixedSkicRandomness != null ? options.fixedSkicRandomness : random(64);
        skic = KeyingComponent.initiator(g, rnd, options.hmac, options.hmacLength, options.ssn);
        initiatorSessionId = options.fixedInitiatorSessionId != null ? options.fixedInitiatorSessionId
                : 1 + options.random.nextInt(Integer.MAX_VALUE - 1);
    }

    public IIKeying iikeying() {
        prepareKeying();
        return new IIKeying(initiatorSessionId, cookie, certificate, skic, SIGNATURE);
    }

    public byte[] iikeyingDatagram() {
        return startupDatagram(iikeying().toChunk());
    }

    public void sendIIKeying() throws IOException {
        transport.send(iikeyingDatagram(), responder);
    }

    /** Sends IIKeying and waits for RIKeying, retransmitting and honouring cookie changes (§3.5.1.2). */
    public RIKeying awaitRIKeying() throws IOException, RtmfpException {
        if (rhello == null) {
            throw new IllegalStateException("no RHello yet");
        }
        sendIIKeying();
        Chunk c = awaitStartupChunk(initiatorSessionId, this::sendIIKeying, ChunkType.RIKEYING, ChunkType.COOKIE_CHANGE);
        while (c.type() == ChunkType.COOKIE_CHANGE) {
            CookieChange cc = CookieChange.decode(c.payload());
            if (Arrays.equals(cc.oldCookie(), cookie)) {
                cookie = cc.newCookie();
                cookieChanges++;
                sendIIKeying();
            }
            c = awaitStartupChunk(initiatorSessionId, this::sendIIKeying, ChunkType.RIKEYING, ChunkType.COOKIE_CHANGE);
        }
        rikeying = RIKeying.decode(c.payload());
        return rikeying;
    }

    /** Waits for the next RIKeying only, without sending: for "a retransmission gets the same answer". */
    public RIKeying awaitAnotherRIKeying(Duration timeout) throws IOException, RtmfpException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            UdpTransport.Datagram d = transport.receive(deadline, x -> !transport.claimedElsewhere(x, initiatorSessionId));
            if (d == null) {
                throw new RtmfpException("no RIKeying within " + timeout.toMillis() + " ms");
            }
            Chunk c = startupChunk(d, initiatorSessionId, ChunkType.RIKEYING);
            if (c != null) {
                return RIKeying.decode(c.payload());
            }
        }
    }

    private interface Resend {
        void run() throws IOException;
    }

    private Chunk awaitStartupChunk(int sessionId, Resend resend, int... types) throws IOException, RtmfpException {
        long deadline = startNanos + options.handshakeTimeout.toNanos();
        long interval = options.initialRetransmit.toNanos();
        long nextResend = System.nanoTime() + interval;
        while (true) {
            long now = System.nanoTime();
            if (now >= deadline) {
                throw new RtmfpException("handshake timed out after " + options.handshakeTimeout.toMillis()
                        + " ms waiting for chunk " + String.join("/", Arrays.stream(types).mapToObj(t -> String.format("0x%02x", t)).toList()));
            }
            if (now >= nextResend) {
                resend.run();
                retransmissions++;
                interval += options.retransmitBackoff.toNanos();
                nextResend = now + interval;
            }
            UdpTransport.Datagram d = transport.receive(Math.min(deadline, nextResend),
                    x -> !transport.claimedElsewhere(x, sessionId));
            if (d == null) {
                continue;
            }
            Chunk c = startupChunk(d, sessionId, types);
            if (c != null) {
                if (c.type() == ChunkType.RHELLO) {
                    RHello h = RHello.decode(c.payload());
                    if (!Arrays.equals(h.tagEcho(), tag)
                            || peerId != null && !Arrays.equals(Identity.peerId(h.certificate()), peerId)) {
                        dropped++;
                        continue;
                    }
                    rhello = h;
                    cookie = h.cookie();
                    responder = d.from();
                } else if (c.type() == ChunkType.REDIRECT && !Arrays.equals(Redirect.decode(c.payload()).tagEcho(), tag)) {
                    dropped++;
                    continue;
                }
                return c;
            }
        }
    }

    /** The first chunk of a wanted type in a valid startup datagram for {@code sessionId}, or null. */
    private Chunk startupChunk(UdpTransport.Datagram d, int sessionId, int... types) {
        try {
            DatagramCodec.Decoded dec = DatagramCodec.decode(d.bytes(), CryptoDirection.startup());
            if (dec.sessionId() != sessionId) {
                dropped++;
                return null;
            }
            for (Chunk c : dec.packet().chunks()) {
                for (int t : types) {
                    if (c.type() == t) {
                        return c;
                    }
                }
            }
        } catch (WireFormatException e) {
            dropped++;
        }
        return null;
    }

    /** RFC 7425 §4.6: derive the session keys and negotiate HMAC/SSN from the RIKeying. */
    public Session establish() throws RtmfpException {
        if (rikeying == null) {
            throw new IllegalStateException("no RIKeying yet");
        }
        OptionList skrc = OptionList.parse(rikeying.skrc());
        long group = KeyingComponent.responderGroup(skrc);
        if (group != dh.group().id) {
            throw new RtmfpException("responder answered DH group " + group + ", client selected " + dh.group().id);
        }
        byte[] secret;
        Negotiated hmac;
        Negotiated ssn;
        try {
            secret = dh.sharedSecret(KeyingComponent.responderPublicKey(skrc, dh.group()));
            hmac = Negotiated.resolve(options.hmac, options.hmacLength, skrc, ProfileOptions.KEYING_HMAC_NEGOTIATION);
            ssn = Negotiated.resolve(options.ssn, 0, skrc, ProfileOptions.KEYING_SSN_NEGOTIATION);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new RtmfpException("keying failed: " + e.getMessage());
        }
        SessionKeys keys = SessionKeys.deriveForInitiator(secret, skic, rikeying.skrc());
        CryptoDirection send = new CryptoDirection(keys.encryptKey(), hmac.send() ? keys.hmacSendKey() : null,
                hmac.sendLength(), ssn.send());
        CryptoDirection recv = new CryptoDirection(keys.decryptKey(), hmac.receive() ? keys.hmacRecvKey() : null,
                hmac.receiveLength(), ssn.receive());
        return new Session(transport, responder, rikeying.responderSessionId(), initiatorSessionId, send, recv,
                new Session.Info(uri, rhello.certificate(), certificate, keys, hmac, ssn, dh.group(),
                        redirects.size(), cookieChanges, retransmissions));
    }

    /** The whole startup with retransmissions: what {@link RtmfpClient#connect} runs. */
    public Session run() throws IOException, RtmfpException {
        awaitRHello();
        awaitRIKeying();
        return establish();
    }

    public byte[] tag() {
        return tag.clone();
    }

    public byte[] epd() {
        return epd.clone();
    }

    public RHello rhello() {
        return rhello;
    }

    public InetSocketAddress responder() {
        return responder;
    }

    /** Where IHellos go now: the server and, after Redirects, the addresses they listed. */
    public List<InetSocketAddress> ihelloTargets() {
        return List.copyOf(ihelloTargets);
    }

    public List<Redirect> redirects() {
        return List.copyOf(redirects);
    }

    public int retransmissions() {
        return retransmissions;
    }

    public int droppedDatagrams() {
        return dropped;
    }
}
