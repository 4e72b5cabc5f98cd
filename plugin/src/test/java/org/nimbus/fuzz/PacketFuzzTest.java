package org.nimbus.fuzz;

import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.nimbus.rtmfp.crypto.DefaultKey;
import org.nimbus.rtmfp.crypto.JcaCryptoProvider;
import org.nimbus.rtmfp.packet.Datagram;
import org.nimbus.rtmfp.packet.DatagramFraming;
import org.nimbus.rtmfp.packet.MalformedException;
import org.nimbus.rtmfp.packet.OptionList;
import org.nimbus.rtmfp.packet.Packet;
import org.nimbus.rtmfp.packet.PacketHeader;
import org.nimbus.rtmfp.packet.Vlu;

/**
 * Packet framing (RFC 7016 §2.2): raw datagrams through the default-key framing (session ID,
 * AES-CBC, checksum), decrypted packets (header, chunks), VLUs and option lists (§2.1.2, §2.1.3).
 * The only refusal is {@link MalformedException}. Tries: {@code jqwik.tries.default}
 * (junit-platform.properties for CI, {@code -Djqwik.tries.default=10000000} for the long run).
 */
class PacketFuzzTest {
    private static final DatagramFraming DEFAULT_FRAMING = DefaultKey.framing(new JcaCryptoProvider());

    @Provide
    Arbitrary<byte[]> datagrams() {
        return Mutations.ofVectors(List.of(), "datagram_hex");
    }

    @Provide
    Arbitrary<byte[]> packets() {
        return Mutations.ofVectors(List.of(), "decrypted_hex", "packet_hex", "plaintextHex");
    }

    @Provide
    Arbitrary<byte[]> optionLists() {
        return Mutations.ofVectors(List.of(), "option_hex", "epd_hex", "flowUserMetadataHex", "userMetadataHex");
    }

    @Property
    void datagramsOpenOrAreRefused(@ForAll("datagrams") byte[] d) {
        Guard.check(d, () -> {
            Datagram.sessionId(d);
            DEFAULT_FRAMING.open(d);
        }, MalformedException.class);
    }

    @Property
    void packetsDecodeOrAreRefused(@ForAll("packets") byte[] p) {
        Guard.check(p, () -> Packet.decode(p), MalformedException.class);
        Guard.check(p, () -> PacketHeader.read(ByteBuffer.wrap(p)), MalformedException.class);
    }

    @Property
    void vlusAndOptionListsDecodeOrAreRefused(@ForAll("optionLists") byte[] o) {
        Guard.check(o, () -> OptionList.read(o), MalformedException.class);
        Guard.check(o, () -> OptionList.readTerminated(ByteBuffer.wrap(o)), MalformedException.class);
        Guard.check(o, () -> {
            ByteBuffer b = ByteBuffer.wrap(o);
            while (b.hasRemaining()) {
                Vlu.read(b);
            }
        }, MalformedException.class);
    }
}
