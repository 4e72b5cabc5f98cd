package org.nimbus.rtmfp.crypto;

import org.nimbus.rtmfp.packet.MalformedException;

/**
 * Responder side of the per-option negotiation of HMAC (keying option 0x1a: flags, HMAC length
 * VLU) and session sequence numbers (0x1e: flags) in the Flash profile's keying components, as
 * the RFC author's rtmfp-cpp FlashCryptoAdapter defines them. Flags: 0x04 "I will send always",
 * 0x02 "I will send on request", 0x01 "I request that you send". The HMAC length in an option is
 * the length its sender will send with (4 to 32, RFC 7425 §4.6.4 via rtmfp-cpp).
 * <p>
 * Policy: the Mona family declines with flags 00 (and length 0), and librtmfp, which only offers
 * (0x02), reads exactly that; a client that requests (0x01) gets the option accepted: we send it
 * always, and request it back when the client can send it, so both directions are protected.
 */
public final class Negotiation {
    public static final int SEND_ALWAYS = 0x04;
    public static final int SEND_ON_REQUEST = 0x02;
    public static final int REQUEST = 0x01;
    public static final int MIN_HMAC_LENGTH = 4;
    public static final int MAX_HMAC_LENGTH = 32;
    /** RFC 2104 §5: half the hash; what rtmfp-cpp servers send with. */
    public static final int DEFAULT_HMAC_LENGTH = 16;

    private Negotiation() {
    }

    public enum Policy {
        /** Off unless the initiator requests it (Cumulus/Mona behaviour; librtmfp expects it). */
        DECLINE_UNLESS_REQUESTED,
        /** On whenever the initiator can take part at all. */
        PREFER
    }

    /** What one side's keying component says about an option. Absent option: flags 0, length 0. */
    public record Offer(int flags, int length) {
        public static final Offer NONE = new Offer(0, 0);

        boolean canSend() {
            return (flags & (SEND_ALWAYS | SEND_ON_REQUEST)) != 0;
        }
    }

    /**
     * The decision for one option: what goes back in our keying component ({@code responseFlags},
     * {@code responseLength}), and which directions then use it. Lengths are 0 where unused.
     */
    public record Outcome(int responseFlags, int responseLength, boolean send, int sendLength,
                          boolean receive, int receiveLength) {
    }

    /**
     * @param ourLength the HMAC length we send with, or 0 for sequence numbers (no length)
     * @throws MalformedException when we must verify an HMAC whose announced length is unusable
     */
    public static Outcome respond(Offer initiator, Policy policy, int ourLength, boolean isHmac) throws MalformedException {
        int f = initiator.flags();
        boolean accept = (f & REQUEST) != 0 || (policy == Policy.PREFER && (f & (SEND_ALWAYS | SEND_ON_REQUEST | REQUEST)) != 0);
        int flags = accept ? SEND_ALWAYS | SEND_ON_REQUEST | (initiator.canSend() ? REQUEST : 0) : 0;
        boolean receive = (f & SEND_ALWAYS) != 0 || (flags & REQUEST) != 0;
        int receiveLength = 0;
        if (isHmac && receive) {
            receiveLength = initiator.length();
            if (receiveLength < MIN_HMAC_LENGTH || receiveLength > MAX_HMAC_LENGTH) {
                throw new MalformedException("initiator HMAC length " + receiveLength);
            }
        }
        int sendLength = isHmac && accept ? ourLength : 0;
        return new Outcome(flags, sendLength, accept, sendLength, receive, receiveLength);
    }
}
