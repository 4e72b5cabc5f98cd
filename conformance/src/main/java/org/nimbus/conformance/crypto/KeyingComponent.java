package org.nimbus.conformance.crypto;

import static org.nimbus.conformance.crypto.ProfileOptions.*;

import org.nimbus.conformance.wire.ByteReader;
import org.nimbus.conformance.wire.ByteWriter;
import org.nimbus.conformance.wire.Option;
import org.nimbus.conformance.wire.OptionList;

/**
 * The initiator's session key component (SKIC, RFC 7425 §4.6) in the order librtmfp and the
 * reference probe use: DH group select, 64 bytes of extra randomness, HMAC negotiation
 * ({@code flags | length VLU}), SSN negotiation ({@code flags}).
 */
public final class KeyingComponent {
    private KeyingComponent() {
    }

    public static byte[] initiator(DhGroup group, byte[] randomness, NegotiationMode hmac, int hmacLength,
                                   NegotiationMode ssn) {
        ByteWriter w = new ByteWriter();
        w.bytes(Option.vlu(KEYING_DH_GROUP_SELECT, group.id).encode());
        w.bytes(Option.of(KEYING_EXTRA_RANDOMNESS, randomness).encode());
        if (hmac.flags >= 0) {
            w.bytes(Option.of(KEYING_HMAC_NEGOTIATION, new ByteWriter().u8(hmac.flags).vlu(hmacLength).toByteArray())
                    .encode());
        }
        if (ssn.flags >= 0) {
            w.bytes(Option.of(KEYING_SSN_NEGOTIATION, new byte[] {(byte) ssn.flags}).encode());
        }
        return w.toByteArray();
    }

    /** The responder's DH public key for {@code group}, from the SKRC's 0x0d option(s). */
    public static byte[] responderPublicKey(OptionList skrc, DhGroup group) {
        for (Option o : skrc.all(KEYING_EPHEMERAL_DH_PUBLIC_KEY)) {
            ByteReader r = new ByteReader(o.value());
            if (r.vlu() == group.id) {
                return r.rest();
            }
        }
        throw new IllegalStateException("SKRC has no DH public key of group " + group.id);
    }

    /** The group of the first 0x0d key in an SKRC, or -1. */
    public static long responderGroup(OptionList skrc) {
        return skrc.first(KEYING_EPHEMERAL_DH_PUBLIC_KEY).map(Option::valueAsVlu).orElse(-1L);
    }
}
