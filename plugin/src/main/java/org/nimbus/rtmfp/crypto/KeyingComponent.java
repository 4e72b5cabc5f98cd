package org.nimbus.rtmfp.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.nimbus.rtmfp.packet.MalformedException;
import org.nimbus.rtmfp.packet.Option;
import org.nimbus.rtmfp.packet.OptionList;
import org.nimbus.rtmfp.packet.Vlu;

/**
 * A session key component (SKIC from the initiator, SKRC from the responder), RFC 7425 §4.6:
 * an option list with the DH group the initiator selected from its static keys (0x1d), or an
 * ephemeral DH public key with its group (0x0d), extra randomness (0x0e), and the HMAC (0x1a)
 * and session-sequence-number (0x1e) negotiations. Unknown options are ignored; the first of each
 * kind counts.
 *
 * @param selectedGroup group of option 0x1d, or -1
 * @param publicKeyGroup group of option 0x0d, or -1
 * @param publicKey key of option 0x0d without its group, or empty
 */
public record KeyingComponent(long selectedGroup, long publicKeyGroup, byte[] publicKey,
                              Negotiation.Offer hmac, Negotiation.Offer sequenceNumbers) {
    public static final int DH_PUBLIC_KEY = 0x0d;
    public static final int EXTRA_RANDOMNESS = 0x0e;
    public static final int HMAC_NEGOTIATION = 0x1a;
    public static final int DH_GROUP_SELECT = 0x1d;
    public static final int SSN_NEGOTIATION = 0x1e;

    public static KeyingComponent parse(byte[] component) throws MalformedException {
        List<Option> options = OptionList.read(component);
        long selected = -1;
        long keyGroup = -1;
        byte[] key = new byte[0];
        Negotiation.Offer hmac = null;
        Negotiation.Offer ssn = null;
        for (Option o : options) {
            ByteBuffer v = ByteBuffer.wrap(o.value());
            switch ((int) Math.min(o.type(), Integer.MAX_VALUE)) {
                case DH_GROUP_SELECT -> {
                    if (selected < 0) {
                        selected = Vlu.read(v);
                    }
                }
                case DH_PUBLIC_KEY -> {
                    if (keyGroup < 0) {
                        keyGroup = Vlu.read(v);
                        key = new byte[v.remaining()];
                        v.get(key);
                    }
                }
                case HMAC_NEGOTIATION -> {
                    if (hmac == null) {
                        hmac = readOffer(v, true);
                    }
                }
                case SSN_NEGOTIATION -> {
                    if (ssn == null) {
                        ssn = readOffer(v, false);
                    }
                }
                default -> {
                }
            }
        }
        return new KeyingComponent(selected, keyGroup, key,
                hmac == null ? Negotiation.Offer.NONE : hmac, ssn == null ? Negotiation.Offer.NONE : ssn);
    }

    private static Negotiation.Offer readOffer(ByteBuffer v, boolean withLength) throws MalformedException {
        if (!v.hasRemaining()) {
            return Negotiation.Offer.NONE;
        }
        int flags = v.get() & 0xff;
        long length = withLength && v.hasRemaining() ? Vlu.read(v) : 0;
        return new Negotiation.Offer(flags, (int) Math.min(length, Integer.MAX_VALUE));
    }

    /**
     * Our SKRC, in the Cumulus/Mona order that librtmfp reads at fixed offsets: HMAC negotiation,
     * sequence-number negotiation, then the ephemeral DH public key of the selected group.
     */
    public static byte[] responderComponent(Negotiation.Outcome hmac, Negotiation.Outcome ssn, DhGroup group, byte[] publicKey) {
        ByteArrayOutputStream hmacValue = new ByteArrayOutputStream();
        hmacValue.write(hmac.responseFlags());
        hmacValue.writeBytes(Vlu.encode(hmac.responseLength()));
        ByteArrayOutputStream keyValue = new ByteArrayOutputStream();
        keyValue.writeBytes(Vlu.encode(group.id()));
        keyValue.writeBytes(publicKey);
        return OptionList.encode(List.of(
                new Option(HMAC_NEGOTIATION, hmacValue.toByteArray()),
                new Option(SSN_NEGOTIATION, new byte[] {(byte) ssn.responseFlags()}),
                new Option(DH_PUBLIC_KEY, keyValue.toByteArray())));
    }
}
