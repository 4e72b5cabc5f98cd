package org.nimbus.introduction;

import java.util.HexFormat;
import org.nimbus.rtmfp.handshake.Responder;
import org.nimbus.rtmfp.session.DatagramOutput;
import org.nimbus.rtmfp.session.RtmfpEndpoint;
import org.nimbus.rtmfp.session.Session;

/**
 * The rendezvous service as the endpoint sees it (RFC 7016 §3.5.1.1.2): looks the named peer up
 * among open sessions and the {@link PeerDirectory}, lets {@link Introductions} decide, then
 * sends the Redirect as a startup packet from the socket the IHello came in on and the Forwarded
 * IHello inside the target's session. Runs on the endpoint's thread.
 */
public final class IntroductionService implements RtmfpEndpoint.Introducer {
    private final RtmfpEndpoint endpoint;
    private final PeerDirectory directory;
    private final Introductions introductions;

    public IntroductionService(RtmfpEndpoint endpoint, PeerDirectory directory, IntroductionLimits limits) {
        this.endpoint = endpoint;
        this.directory = directory;
        this.introductions = new Introductions(limits);
    }

    /** Creates the service and makes it the endpoint's introducer. */
    public static IntroductionService install(RtmfpEndpoint endpoint, PeerDirectory directory, IntroductionLimits limits) {
        IntroductionService s = new IntroductionService(endpoint, directory, limits);
        endpoint.setIntroducer(s);
        return s;
    }

    @Override
    public void onIntroductionRequest(Responder.IntroductionRequest request, DatagramOutput replies, long now) {
        long started = endpoint.counters().latencies().start();
        String peerId = HexFormat.of().formatHex(request.peerId());
        Session target = endpoint.sessionByPeerId(peerId);
        Introductions.Target known = target == null || !target.isOpen() ? null
                : new Introductions.Target(target.peerId(), target.address(), directory.addressesOf(peerId));
        Introductions.Answer answer = introductions.answer(request, known, now);
        endpoint.counters().increment("introduction." + answer.outcome());
        if (answer.redirect() != null) {
            endpoint.sendStartupChunk(replies, request.source(), answer.redirect().chunk(), now);
        }
        if (answer.forward() != null) {
            target.forwardIHello(answer.forward().chunk());
            endpoint.service(target, now);
        }
        endpoint.counters().latencies().stop("introduction." + answer.outcome(), started); // IHello in → Redirect/forward out
    }
}
