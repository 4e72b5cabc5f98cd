package org.nimbus.conformance.cli;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.nimbus.conformance.client.ConnectOptions;
import org.nimbus.conformance.client.Handshake;
import org.nimbus.conformance.client.PeerResponder;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.RtmfpException;
import org.nimbus.conformance.client.SendFlow;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.crypto.ProfileOptions;
import org.nimbus.conformance.wire.ForwardedIHello;
import org.nimbus.conformance.wire.Option;
import org.nimbus.conformance.wire.Redirect;

/** Introductions (RFC 7016 §3.5.1.1.2, RFC 7425 §4.4.2): a peer reaches another by its peer ID. */
public final class IntroductionSuite implements Suite {
    private static final byte[] METADATA = {0x54, 0x43, 0x04, 0x00};

    @Override
    public String name() {
        return "introduction";
    }

    @Override
    public List<ConformanceCase> cases() {
        return List.of(
                new ConformanceCase("IN-01", "7016 §3.5.1.1.2", "IHello naming a connected peer → Redirect and FIHello; direct session",
                        IntroductionSuite::introduce),
                new ConformanceCase("IN-02", "7016 §3.5.1.1.2", "IHello naming an unknown peer, repeated → Redirect \"peer gone\"",
                        IntroductionSuite::peerGone));
    }

    /** Same identity (DH key, certificate, peer ID) for the server session and the direct one, as Flash. */
    private static ConnectOptions identity(Target t) {
        ConnectOptions o = t.options();
        o.fixedDhPrivateKey = new byte[128];
        new SecureRandom().nextBytes(o.fixedDhPrivateKey);
        return o;
    }

    static Outcome introduce(Target t) throws Exception {
        try (RtmfpClient a = t.client(); RtmfpClient b = t.client()) {
            ConnectOptions asA = identity(t);
            a.connect(t.uri(), asA);
            Session serverB = b.connect(t.uri(), t.options());
            byte[] idB = serverB.info().peerId();
            PeerResponder target = new PeerResponder(b, serverB);
            Duration wait = t.timeout().multipliedBy(3);
            CompletableFuture<Session> accepted = target.acceptAsync(wait);
            Handshake h = Handshake.toPeer(a.transport(), t.parsed(), idB, asA.timeout(wait));
            Session direct = h.run();
            SendFlow f = direct.openFlow(METADATA, -1);
            direct.send(f, new byte[] {42});
            Session atB = accepted.get(wait.toMillis() + 1000, TimeUnit.MILLISECONDS);
            byte[] got = atB.receive(t.timeout()).data();
            Redirect r = h.redirects().isEmpty() ? null : h.redirects().get(0);
            ForwardedIHello fi = target.forwardedIHellos().isEmpty() ? null : target.forwardedIHellos().get(0);
            boolean redirectOk = r != null && Arrays.equals(r.tagEcho(), h.tag()) && !r.destinations().isEmpty();
            boolean fihelloOk = fi != null && Arrays.equals(fi.tag(), h.tag())
                    && Arrays.equals(fi.epd(), Option.of(ProfileOptions.EPD_FINGERPRINT, idB).encode());
            String detail = "Redirect " + (r == null ? "none" : r.destinations().size() + " address(es)") + ", FIHello "
                    + (fi == null ? "none" : "reply address " + fi.replyAddress().socketAddress()) + ", direct session with "
                    + direct.peer() + ", message " + Arrays.toString(got);
            atB.close(Duration.ofSeconds(1));
            return Outcome.check(redirectOk && fihelloOk && Arrays.equals(got, new byte[] {42}), detail);
        }
    }

    static Outcome peerGone(Target t) throws Exception {
        try (RtmfpClient a = t.client()) {
            a.connect(t.uri(), t.options());
            byte[] nobody = new byte[32];
            new SecureRandom().nextBytes(nobody);
            ConnectOptions o = t.options();
            o.initialRetransmit = Duration.ofMillis(500);
            o.retransmitBackoff = Duration.ZERO;
            Handshake h = Handshake.toPeer(a.transport(), t.parsed(), nobody, o);
            long t0 = System.nanoTime();
            try {
                h.run();
                return Outcome.fail("a handshake completed with peer " + HexFormat.of().formatHex(nobody));
            } catch (RtmfpException e) {
                long ms = (System.nanoTime() - t0) / 1_000_000;
                return Outcome.check(e.getMessage().contains("peer gone"), e.getMessage() + " after " + ms + " ms, "
                        + h.retransmissions() + " retransmission(s)");
            }
        }
    }
}
