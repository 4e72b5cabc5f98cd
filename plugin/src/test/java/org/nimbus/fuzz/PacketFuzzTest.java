package org.nimbus.fuzz;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
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
 * The only refusal is {@link MalformedException}. Inputs per decoder: {@link Fuzz#tries()}.
 */
class PacketFuzzTest {
    private static final DatagramFraming DEFAULT_FRAMING = DefaultKey.framing(new JcaCryptoProvider());

    @Test
    void datagramsOpenOrAreRefused() {
        Fuzz.bytes("datagrams", Mutations.vectorsAnd(List.of(), "datagram_hex"), (d, r) -> Guard.check(d, () -> {
            Datagram.sessionId(d);
            DEFAULT_FRAMING.open(d);
        }, MalformedException.class));
    }

    @Test
    void packetsDecodeOrAreRefused() {
        Fuzz.bytes("packets", Mutations.vectorsAnd(List.of(), "decrypted_hex", "packet_hex", "plaintextHex"), (p, r) -> {
            Guard.check(p, () -> Packet.decode(p), MalformedException.class);
            Guard.check(p, () -> PacketHeader.read(ByteBuffer.wrap(p)), MalformedException.class);
        });
    }

    @Test
    void vlusAndOptionListsDecodeOrAreRefused() {
        Fuzz.bytes("option lists", Mutations.vectorsAnd(List.of(), "option_hex", "epd_hex", "flowUserMetadataHex",
                "userMetadataHex"), (o, r) -> {
                    Guard.check(o, () -> OptionList.read(o), MalformedException.class);
                    Guard.check(o, () -> OptionList.readTerminated(ByteBuffer.wrap(o)), MalformedException.class);
                    Guard.check(o, () -> {
                        ByteBuffer b = ByteBuffer.wrap(o);
                        while (b.hasRemaining()) {
                            Vlu.read(b);
                        }
                    }, MalformedException.class);
                });
    }
}
