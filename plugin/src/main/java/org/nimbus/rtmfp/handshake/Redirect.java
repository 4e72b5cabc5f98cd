package org.nimbus.rtmfp.handshake;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.MalformedException;

/**
 * Responder Redirect, chunk 0x71, RFC 7016 §2.3.5: {@code tagLength(VLU) | tagEcho |
 * addresses (rest)}. Sent to an initiator whose IHello named a peer's fingerprint.
 */
public record Redirect(byte[] tagEcho, List<PeerAddress> addresses) {

    public Redirect {
        addresses = List.copyOf(addresses);
    }

    public static Redirect decode(byte[] payload) throws MalformedException {
        ByteBuffer in = ByteBuffer.wrap(payload);
        byte[] tag = Fields.lengthPrefixed(in, "tag echo");
        List<PeerAddress> addresses = new ArrayList<>();
        while (in.hasRemaining()) {
            addresses.add(PeerAddress.read(in));
        }
        return new Redirect(tag, addresses);
    }

    public byte[] encode() {
        int size = Fields.lengthPrefixedSize(tagEcho);
        for (PeerAddress a : addresses) {
            size += a.size();
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        Fields.putLengthPrefixed(out, tagEcho);
        for (PeerAddress a : addresses) {
            a.write(out);
        }
        return out.array();
    }

    public Chunk chunk() {
        return new Chunk(Chunk.REDIRECT, encode());
    }
}
