package org.nimbus.rtmfp.crypto;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.nimbus.rtmfp.packet.MalformedException;
import org.nimbus.rtmfp.packet.Option;
import org.nimbus.rtmfp.packet.OptionList;
import org.nimbus.rtmfp.packet.Vlu;

/**
 * A Flash-profile certificate, RFC 7425 §4.3.3: an option list, read as such (clients order and
 * repeat options as they like). The canonical part runs up to and including the first marker, or
 * is all of it; its SHA-256 is the fingerprint, which for a client is its peer ID (§4.3.2).
 * Flash Player and librtmfp send {@code 81 02 1d 02 <128-byte key>}: one static DH key of group 2.
 * rtmfp-cpp clients send one such option per group they support.
 */
public final class FlashCertificate {
    public static final int HOSTNAME = 0x00;
    public static final int ACCEPTS_ANCILLARY_DATA = 0x0a;
    public static final int EXTRA_RANDOMNESS = 0x0e;
    public static final int SUPPORTED_DH_GROUP = 0x15;
    public static final int DH_PUBLIC_KEY = 0x1d;
    /** Extra randomness in the server certificate: 64 bytes, as Cumulus/Mona and rtmfp-cpp send. */
    public static final int SERVER_RANDOMNESS_LENGTH = 64;

    private final byte[] encoded;
    private final int canonicalLength;
    private final List<Option> options;

    private FlashCertificate(byte[] encoded, int canonicalLength, List<Option> options) {
        this.encoded = encoded;
        this.canonicalLength = canonicalLength;
        this.options = options;
    }

    public static FlashCertificate parse(byte[] encoded) throws MalformedException {
        byte[] copy = encoded.clone();
        ByteBuffer in = ByteBuffer.wrap(copy);
        List<Option> canonical = OptionList.read(in);
        int canonicalLength = in.position();
        while (in.hasRemaining()) {
            OptionList.read(in); // the part after the marker must be well-formed too, but means nothing here
        }
        for (Option o : canonical) {
            if (o.type() == DH_PUBLIC_KEY || o.type() == SUPPORTED_DH_GROUP) {
                Vlu.read(ByteBuffer.wrap(o.value())); // each starts with a group number
            }
        }
        return new FlashCertificate(copy, canonicalLength, List.copyOf(canonical));
    }

    /**
     * The server certificate in the form every client seen accepts (Cumulus/MonaServer):
     * {@code 01 0a | 41 0e <64 random bytes> | 02 15 <group>...}. With three groups it is 77
     * bytes, the size librtmfp reads.
     */
    public static byte[] serverCertificate(byte[] extraRandomness, List<DhGroup> groups) {
        if (extraRandomness.length != SERVER_RANDOMNESS_LENGTH) {
            throw new IllegalArgumentException("extra randomness of " + extraRandomness.length + " bytes");
        }
        List<Option> options = new ArrayList<>();
        options.add(new Option(ACCEPTS_ANCILLARY_DATA, new byte[0]));
        options.add(new Option(EXTRA_RANDOMNESS, extraRandomness));
        for (DhGroup g : groups) {
            options.add(new Option(SUPPORTED_DH_GROUP, Vlu.encode(g.id())));
        }
        return OptionList.encode(options);
    }

    public byte[] encoded() {
        return encoded.clone();
    }

    /** The options before the first marker. */
    public List<Option> options() {
        return options;
    }

    public byte[] canonical() {
        return Arrays.copyOf(encoded, canonicalLength);
    }

    /** SHA-256 of the canonical part: a client's peer ID, a server's fingerprint. */
    public byte[] fingerprint(CryptoProvider crypto) {
        return crypto.sha256(canonical());
    }

    public boolean acceptsAncillaryData() {
        return options.stream().anyMatch(o -> o.type() == ACCEPTS_ANCILLARY_DATA);
    }

    /** Groups of the static public keys in this certificate, in order. */
    public List<Integer> staticKeyGroups() {
        return groupsOf(DH_PUBLIC_KEY);
    }

    /** Groups an ephemeral-keyed certificate (a server's) says it supports, in order. */
    public List<Integer> supportedGroups() {
        return groupsOf(SUPPORTED_DH_GROUP);
    }

    /** The static DH public key for {@code group}, without its group number. */
    public Optional<byte[]> staticPublicKey(long group) {
        for (Option o : options) {
            if (o.type() == DH_PUBLIC_KEY) {
                ByteBuffer v = ByteBuffer.wrap(o.value());
                if (readGroup(v) == group) {
                    byte[] key = new byte[v.remaining()];
                    v.get(key);
                    return Optional.of(key);
                }
            }
        }
        return Optional.empty();
    }

    private List<Integer> groupsOf(int type) {
        List<Integer> groups = new ArrayList<>();
        for (Option o : options) {
            if (o.type() == type) {
                long g = readGroup(ByteBuffer.wrap(o.value()));
                if (g <= Integer.MAX_VALUE) {
                    groups.add((int) g);
                }
            }
        }
        return groups;
    }

    private static long readGroup(ByteBuffer value) {
        try {
            return Vlu.read(value);
        } catch (MalformedException e) {
            throw new IllegalStateException("validated in parse", e);
        }
    }
}
