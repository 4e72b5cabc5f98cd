package org.nimbus.rtmfp.handshake;

import java.nio.ByteBuffer;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.MalformedException;

/**
 * Initiator Hello, chunk 0x30, RFC 7016 §2.3.2: {@code epdLength(VLU) | EPD | tag (rest)}.
 * Arrays are not copied: treat them as immutable.
 */
public record IHello(byte[] epd, byte[] tag) {

    public static IHello decode(byte[] payload) throws MalformedException {
        ByteBuffer in = ByteBuffer.wrap(payload);
        byte[] epd = Fields.lengthPrefixed(in, "EPD");
        return new IHello(epd, Fields.rest(in));
    }

    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(Fields.lengthPrefixedSize(epd) + tag.length);
        Fields.putLengthPrefixed(out, epd);
        out.put(tag);
        return out.array();
    }

    public Chunk chunk() {
        return new Chunk(Chunk.IHELLO, encode());
    }
}
