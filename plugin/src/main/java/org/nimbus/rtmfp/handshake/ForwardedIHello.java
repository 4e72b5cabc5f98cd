package org.nimbus.rtmfp.handshake;

import java.nio.ByteBuffer;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.MalformedException;

/**
 * Forwarded Initiator Hello, chunk 0x0f, RFC 7016 §2.3.3: {@code epdLength(VLU) | EPD |
 * replyAddress | tag (rest)}. The server sends it to the target peer inside that peer's session,
 * with the EPD {@code 21 0f <target's own peer ID>} clients require.
 */
public record ForwardedIHello(byte[] epd, PeerAddress replyAddress, byte[] tag) {

    public static ForwardedIHello decode(byte[] payload) throws MalformedException {
        ByteBuffer in = ByteBuffer.wrap(payload);
        byte[] epd = Fields.lengthPrefixed(in, "EPD");
        PeerAddress reply = PeerAddress.read(in);
        return new ForwardedIHello(epd, reply, Fields.rest(in));
    }

    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(Fields.lengthPrefixedSize(epd) + replyAddress.size() + tag.length);
        Fields.putLengthPrefixed(out, epd);
        replyAddress.write(out);
        out.put(tag);
        return out.array();
    }

    public Chunk chunk() {
        return new Chunk(Chunk.FORWARDED_IHELLO, encode());
    }
}
