package org.nimbus.conformance.crypto;

import static org.nimbus.conformance.crypto.ProfileOptions.*;

import java.util.Optional;
import org.nimbus.conformance.wire.ByteReader;
import org.nimbus.conformance.wire.Option;
import org.nimbus.conformance.wire.OptionList;

/**
 * Outcome of one HMAC or SSN negotiation (RFC 7425 §4.6), from the client's side: a side sends
 * when it said "send always" or the other side requested; it must receive when the other side
 * said "send always" or it requested. Requesting from a side that offers neither is a failure.
 */
public record Negotiated(boolean send, int sendLength, boolean receive, int receiveLength, int peerFlags) {

    public static final Negotiated NONE = new Negotiated(false, 0, false, 0, 0);

    /**
     * @param mine      the client's mode
     * @param myLength  the HMAC length the client announced (ignored for SSN)
     * @param skrc      the responder's keying component
     * @param type      {@link ProfileOptions#KEYING_HMAC_NEGOTIATION} or {@link ProfileOptions#KEYING_SSN_NEGOTIATION}
     */
    public static Negotiated resolve(NegotiationMode mine, int myLength, OptionList skrc, int type) {
        Optional<Option> opt = skrc.first(type);
        int peerFlags = 0;
        int peerLength = 0;
        if (opt.isPresent() && opt.get().value().length > 0) {
            ByteReader r = new ByteReader(opt.get().value());
            peerFlags = r.u8();
            if (type == KEYING_HMAC_NEGOTIATION && r.hasRemaining()) {
                peerLength = (int) r.vlu();
            }
        }
        int myFlags = Math.max(mine.flags, 0);
        boolean peerSends = (peerFlags & (NEGOTIATE_SEND_ALWAYS | NEGOTIATE_SEND_ON_REQUEST)) != 0;
        if ((myFlags & NEGOTIATE_REQUEST) != 0 && !peerSends) {
            throw new IllegalStateException("responder cannot provide the required "
                    + (type == KEYING_HMAC_NEGOTIATION ? "HMAC" : "session sequence numbers"));
        }
        boolean send = (myFlags & NEGOTIATE_SEND_ALWAYS) != 0 || (peerFlags & NEGOTIATE_REQUEST) != 0;
        boolean receive = (peerFlags & NEGOTIATE_SEND_ALWAYS) != 0 || (myFlags & NEGOTIATE_REQUEST) != 0;
        if (send && (myFlags & (NEGOTIATE_SEND_ALWAYS | NEGOTIATE_SEND_ON_REQUEST)) == 0) {
            throw new IllegalStateException("responder requested what the client did not offer");
        }
        if (type == KEYING_HMAC_NEGOTIATION && receive && (peerLength < 4 || peerLength > 32)) {
            throw new IllegalStateException("responder HMAC length " + peerLength + " outside 4..32 (§4.6.4)");
        }
        return new Negotiated(send, send ? myLength : 0, receive, receive ? peerLength : 0, peerFlags);
    }
}
