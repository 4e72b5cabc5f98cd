package org.nimbus.fuzz;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nimbus.rtmfp.crypto.FlashCertificate;
import org.nimbus.rtmfp.handshake.CookieChange;
import org.nimbus.rtmfp.handshake.EndpointDiscriminator;
import org.nimbus.rtmfp.handshake.ForwardedIHello;
import org.nimbus.rtmfp.handshake.IHello;
import org.nimbus.rtmfp.handshake.IIKeying;
import org.nimbus.rtmfp.handshake.PeerAddress;
import org.nimbus.rtmfp.handshake.RHello;
import org.nimbus.rtmfp.handshake.RIKeying;
import org.nimbus.rtmfp.handshake.Redirect;
import org.nimbus.rtmfp.packet.MalformedException;

/**
 * Handshake chunks (RFC 7016 §2.3.2-§2.3.8) from the chunk payloads of the vectors, endpoint
 * discriminators (§3.5.1.1, RFC 7425 §4.4.1), addresses (§2.1.1) and Flash certificates (RFC 7425
 * §4.2): every decoder sees every payload, so each also meets the others' valid messages.
 */
class HandshakeFuzzTest {
    @Test
    void handshakeChunksDecodeOrAreRefused() {
        Fuzz.bytes("handshake chunks", Mutations.vectorsAnd(List.of(), "payload_hex", "cookie_hex", "tag_hex", "skic_hex",
                "skrc_hex"), (p, r) -> {
                    Guard.check(p, () -> IHello.decode(p), MalformedException.class);
                    Guard.check(p, () -> RHello.decode(p), MalformedException.class);
                    Guard.check(p, () -> IIKeying.decode(p), MalformedException.class);
                    Guard.check(p, () -> RIKeying.decode(p), MalformedException.class);
                    Guard.check(p, () -> Redirect.decode(p), MalformedException.class);
                    Guard.check(p, () -> ForwardedIHello.decode(p), MalformedException.class);
                    Guard.check(p, () -> CookieChange.decode(p), MalformedException.class);
                });
    }

    @Test
    void certificatesParseOrAreRefused() {
        Fuzz.bytes("certificates", Mutations.vectorsAnd(List.of(), "certificate_hex", "client_certificate_hex",
                "server_certificate_hex", "skic_hex"), (c, r) -> Guard.check(c, () -> FlashCertificate.parse(c),
                        MalformedException.class));
    }

    @Test
    void discriminatorsAndAddressesParseOrAreRefused() {
        Fuzz.bytes("discriminators", Mutations.vectorsAnd(List.of(), "epd_hex", "address_hex"), (e, r) -> {
            Guard.check(e, () -> EndpointDiscriminator.parse(e), MalformedException.class);
            Guard.check(e, () -> {
                ByteBuffer b = ByteBuffer.wrap(e);
                while (b.hasRemaining()) {
                    PeerAddress.read(b);
                }
            }, MalformedException.class);
        });
    }
}
