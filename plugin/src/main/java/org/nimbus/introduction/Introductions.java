package org.nimbus.introduction;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import org.nimbus.ratelimit.KeyedRateLimiter;
import org.nimbus.rtmfp.handshake.EndpointDiscriminator;
import org.nimbus.rtmfp.handshake.ForwardedIHello;
import org.nimbus.rtmfp.handshake.PeerAddress;
import org.nimbus.rtmfp.handshake.Redirect;
import org.nimbus.rtmfp.handshake.Responder;

/**
 * What the server answers to an IHello that names a peer by its ID (RFC 7016 §3.5.1.1.2, the
 * Flash profile's fingerprint EPD of RFC 7425 §4.4.2). Pure: the caller looks the target up,
 * sends what comes back and supplies the time.
 * <ul>
 * <li>known target: a Redirect to the initiator with the target's addresses, and a Forwarded
 *     IHello to the target carrying the initiator's observed address and tag, so the target
 *     answers with an RHello and both NATs open (every retransmitted IHello is answered again);
 * <li>unknown target: silence the first time, a "peer gone" Redirect when the tag comes again;
 * <li>over the per-source limit: silence; over the per-target limit: the Redirect alone.
 * </ul>
 * Single-threaded (the RTMFP loop).
 */
public final class Introductions {
    /** The target as the server knows it: its observed address and what it reported. */
    public record Target(byte[] peerId, InetSocketAddress observed, List<InetSocketAddress> reported) {
    }

    /** Send {@code redirect} (if any) to the initiator and {@code forward} (if any) to the target. */
    public record Answer(Redirect redirect, ForwardedIHello forward, String outcome) {
    }

    /** The Redirect that means "no such peer": one address of type 0, {@code 00 00000000 0000}. */
    public static List<PeerAddress> peerGoneAddresses() {
        return List.of(new PeerAddress(anyV4(), 0, PeerAddress.ORIGIN_UNKNOWN));
    }

    private static InetAddress anyV4() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private final IntroductionLimits limits;
    private final KeyedRateLimiter<InetAddress> perSource;
    private final KeyedRateLimiter<String> perTarget;
    private final UnknownPeerTags unknown = new UnknownPeerTags(IntroductionLimits.UNKNOWN_TAG_MEMORY);

    public Introductions(IntroductionLimits limits) {
        this.limits = limits;
        this.perSource = new KeyedRateLimiter<>(limits.introductionsPerSourcePerSecond(), IntroductionLimits.RATE_BUCKETS);
        this.perTarget = new KeyedRateLimiter<>(limits.fihellosPerTargetPerSecond(), IntroductionLimits.RATE_BUCKETS);
    }

    /** @param target the named peer's live session data, or null when no such peer is connected */
    public Answer answer(Responder.IntroductionRequest request, Target target, long nowMillis) {
        InetSocketAddress source = request.source();
        if (!perSource.tryAcquire(source.getAddress(), nowMillis)) {
            return new Answer(null, null, "rate-limited-source");
        }
        if (target == null) {
            if (unknown.seenBefore(source, request.tag())) {
                return new Answer(new Redirect(request.tag(), peerGoneAddresses()), null, "peer-gone");
            }
            return new Answer(null, null, "unknown-peer");
        }
        Redirect redirect = new Redirect(request.tag(), RedirectAddresses.forTarget(target.observed(), target.reported(),
                source, limits.maxRedirectAddresses()));
        if (!perTarget.tryAcquire(HexFormat.of().formatHex(target.peerId()), nowMillis)) {
            return new Answer(redirect, null, "rate-limited-target");
        }
        ForwardedIHello forward = new ForwardedIHello(EndpointDiscriminator.forPeer(target.peerId()),
                PeerAddress.of(source, PeerAddress.ORIGIN_OBSERVED), request.tag());
        return new Answer(redirect, forward, "introduced");
    }

    int rememberedUnknownTags() {
        return unknown.size();
    }
}
