package org.nimbus.rtmfp.handshake;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import org.nimbus.ratelimit.KeyedRateLimiter;
import org.nimbus.rtmfp.crypto.CryptoProvider;
import org.nimbus.rtmfp.crypto.DhGroup;
import org.nimbus.rtmfp.crypto.FlashCertificate;
import org.nimbus.rtmfp.crypto.Negotiation;
import org.nimbus.rtmfp.crypto.ResponderKeying;
import org.nimbus.rtmfp.crypto.SessionKeys;
import org.nimbus.rtmfp.packet.DatagramFraming;
import org.nimbus.rtmfp.packet.MalformedException;

/**
 * The server's side of the RTMFP startup handshake, RFC 7016 §3.5.1 with the Flash profile of
 * RFC 7425 §4: IHello → RHello (stateless cookie), IIKeying → RIKeying and an established
 * session. Pure: the caller passes the source address and the time, and sends what comes back.
 * <p>
 * The only state is a bounded map from cookie to the answer already given, so that a
 * retransmitted IIKeying (same cookie, source, initiator session ID, certificate and SKIC) gets
 * the very same RIKeying and no second session; entries live as long as a cookie does.
 * Methods may be called from several threads.
 */
public final class Responder {
    private final CryptoProvider crypto;
    private final Cookies cookies;
    private final ResponderKeying keying;
    private final IntSupplier sessionIds;
    private final byte[] certificate;
    private final byte[] fingerprint;
    private final int cacheSize;
    private final Map<ByteBuffer, Answered> answered = new LinkedHashMap<>();
    /** New keyings (a DH computation each) per source IP; null when unlimited. Guarded by {@link #answered}. */
    private KeyedRateLimiter<InetAddress> keyingsPerSource;

    /**
     * @param cookieSecret at least 16 bytes, kept for the server's life (cookies made with another
     *                     secret are foreign)
     * @param sessionIds   allocates a fresh non-zero responder session ID per new session
     * @param cacheSize    most IIKeying answers remembered for retransmissions
     */
    public Responder(CryptoProvider crypto, byte[] cookieSecret, List<DhGroup> groups,
                     Negotiation.Policy hmacPolicy, Negotiation.Policy ssnPolicy, IntSupplier sessionIds, int cacheSize) {
        this.crypto = crypto;
        this.cookies = new Cookies(crypto, cookieSecret);
        this.keying = new ResponderKeying(crypto, groups, hmacPolicy, ssnPolicy);
        this.sessionIds = sessionIds;
        this.cacheSize = cacheSize;
        this.certificate = FlashCertificate.serverCertificate(crypto.randomBytes(FlashCertificate.SERVER_RANDOMNESS_LENGTH), groups);
        this.fingerprint = crypto.sha256(certificate);
    }

    /** Defaults: groups 2, 5 and 14 (the Cumulus/Mona certificate), HMAC and SSN only on request. */
    public static Responder withDefaults(CryptoProvider crypto, byte[] cookieSecret, IntSupplier sessionIds) {
        return new Responder(crypto, cookieSecret, List.of(DhGroup.GROUP_2, DhGroup.GROUP_5, DhGroup.GROUP_14),
                Negotiation.Policy.DECLINE_UNLESS_REQUESTED, Negotiation.Policy.DECLINE_UNLESS_REQUESTED, sessionIds, 4096);
    }

    /** Source IPs whose keying rate is tracked at once; older ones are forgotten (bounded memory). */
    public static final int KEYING_RATE_SOURCES = 16_384;

    /**
     * Caps new sessions (IIKeyings that cost a Diffie-Hellman computation) per source IP address:
     * a host that has a valid cookie can still not keep the loop thread busy with key agreement.
     * Retransmitted IIKeyings are answered from the cache and not counted. 0 lifts the cap.
     */
    public void limitKeyingsPerSource(int perSecond) {
        synchronized (answered) {
            keyingsPerSource = perSecond > 0 ? new KeyedRateLimiter<>(perSecond, KEYING_RATE_SOURCES) : null;
        }
    }

    public byte[] certificate() {
        return certificate.clone();
    }

    /** SHA-256 of our certificate (which has no marker): what clients report as serverFingerprint. */
    public byte[] fingerprint() {
        return fingerprint.clone();
    }

    public sealed interface HelloOutcome permits SendRHello, IntroductionRequest, Ignored {
    }

    public sealed interface KeyingOutcome permits Keyed, SendCookieChange, Ignored {
    }

    /** Answer the IHello with this RHello, in a startup packet to session ID 0. */
    public record SendRHello(RHello rhello) implements HelloOutcome {
    }

    /** The IHello asks for a peer by ID: the introduction service answers (FIHello / Redirect). */
    public record IntroductionRequest(byte[] peerId, byte[] tag, byte[] epd, InetSocketAddress source) implements HelloOutcome {
    }

    /** Why an IIKeying was dropped by {@link #limitKeyingsPerSource}. */
    public static final String RATE_LIMITED = "new sessions from this address over the rate limit";

    /** Drop the chunk silently, as RFC 7016 asks; the reason is for counters and logs. */
    public record Ignored(String reason) implements HelloOutcome, KeyingOutcome {
    }

    /** Answer with a cookie change, in a startup packet to session ID 0. */
    public record SendCookieChange(CookieChange change) implements KeyingOutcome {
    }

    /**
     * Send {@code rikeying} in a startup packet addressed to {@code initiatorSessionId}.
     * {@code retransmission} is true when this answers a repeated IIKeying: the session exists already.
     */
    public record Keyed(int initiatorSessionId, RIKeying rikeying, Established session, boolean retransmission) implements KeyingOutcome {
    }

    /** Everything the session layer needs to open the session. */
    public record Established(int responderSessionId, int initiatorSessionId, InetSocketAddress address,
                              byte[] peerId, byte[] clientCertificate, DhGroup group, SessionKeys keys,
                              Negotiation.Outcome hmac, Negotiation.Outcome ssn,
                              DatagramFraming sendFraming, DatagramFraming receiveFraming) {
    }

    private record Answered(InetSocketAddress source, IIKeying request, Keyed answer, long expiresAt) {
        boolean sameRequest(InetSocketAddress from, IIKeying k) {
            return source.equals(from) && request.initiatorSessionId() == k.initiatorSessionId()
                    && Arrays.equals(request.certificate(), k.certificate()) && Arrays.equals(request.skic(), k.skic());
        }
    }

    public HelloOutcome onIHello(InetSocketAddress source, IHello hello, long nowMillis) {
        EndpointDiscriminator epd;
        try {
            epd = EndpointDiscriminator.parse(hello.epd());
        } catch (MalformedException e) {
            return new Ignored("EPD: " + e.getMessage());
        }
        if (epd.namesPeer() && !Arrays.equals(epd.fingerprint(), fingerprint)) {
            return new IntroductionRequest(epd.fingerprint(), hello.tag(), hello.epd(), source);
        }
        return new SendRHello(new RHello(hello.tag(), cookies.issue(source, nowMillis), certificate));
    }

    /**
     * Whether this exact IIKeying was answered already (a retransmission, to be answered again
     * with the same RIKeying): one lookup, so a full session table can let retransmissions
     * through without scanning its sessions.
     */
    public boolean answeredBefore(InetSocketAddress source, IIKeying request) {
        synchronized (answered) {
            Answered previous = answered.get(ByteBuffer.wrap(request.cookie()));
            return previous != null && previous.sameRequest(source, request);
        }
    }

    public KeyingOutcome onIIKeying(InetSocketAddress source, IIKeying request, long nowMillis) {
        switch (cookies.check(request.cookie(), source, nowMillis)) {
            case FOREIGN:
                return new Ignored("cookie not ours");
            case EXPIRED:
                return new Ignored("cookie expired");
            case OTHER_ADDRESS:
                return new SendCookieChange(new CookieChange(request.cookie(), cookies.issue(source, nowMillis)));
            case VALID:
            default:
                break;
        }
        if (request.initiatorSessionId() == 0) {
            return new Ignored("initiator session ID 0");
        }
        ByteBuffer key = ByteBuffer.wrap(request.cookie().clone());
        synchronized (answered) {
            expire(nowMillis);
            Answered previous = answered.get(key);
            if (previous != null) {
                if (previous.sameRequest(source, request)) {
                    Keyed a = previous.answer();
                    return new Keyed(a.initiatorSessionId(), a.rikeying(), a.session(), true);
                }
                return new Ignored("cookie already used");
            }
            if (keyingsPerSource != null && !keyingsPerSource.tryAcquire(source.getAddress(), nowMillis)) {
                // Dropped like any lost packet: the initiator retransmits its IIKeying (§3.5.1.2).
                return new Ignored(RATE_LIMITED);
            }
        }
        Keyed answer;
        try {
            answer = key(source, request);
        } catch (MalformedException e) {
            return new Ignored("keying: " + e.getMessage());
        }
        synchronized (answered) {
            Answered raced = answered.get(key);
            if (raced != null) {
                return raced.sameRequest(source, request)
                        ? new Keyed(raced.answer().initiatorSessionId(), raced.answer().rikeying(), raced.answer().session(), true)
                        : new Ignored("cookie already used");
            }
            answered.put(key, new Answered(source, request, answer, nowMillis + Cookies.LIFETIME_MILLIS));
            while (answered.size() > cacheSize) {
                Iterator<Map.Entry<ByteBuffer, Answered>> eldest = answered.entrySet().iterator();
                eldest.next();
                eldest.remove();
            }
        }
        return answer;
    }

    private Keyed key(InetSocketAddress source, IIKeying request) throws MalformedException {
        FlashCertificate clientCertificate = FlashCertificate.parse(request.certificate());
        ResponderKeying.Result result = keying.respond(clientCertificate, request.skic());
        int responderSessionId = sessionIds.getAsInt();
        Established session = new Established(responderSessionId, request.initiatorSessionId(), source,
                clientCertificate.fingerprint(crypto), request.certificate(), result.group(), result.keys(),
                result.hmac(), result.ssn(), result.sendFraming(crypto), result.receiveFraming(crypto));
        RIKeying rikeying = new RIKeying(responderSessionId, result.skrc(), RIKeying.FLASH_SIGNATURE);
        return new Keyed(request.initiatorSessionId(), rikeying, session, false);
    }

    /** Entries are in insertion order, hence in expiry order. */
    private void expire(long nowMillis) {
        Iterator<Answered> it = answered.values().iterator();
        while (it.hasNext() && it.next().expiresAt() - nowMillis < 0) {
            it.remove();
        }
    }
}
