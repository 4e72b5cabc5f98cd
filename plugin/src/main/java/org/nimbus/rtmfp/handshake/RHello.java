package org.nimbus.rtmfp.handshake;

import java.nio.ByteBuffer;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.MalformedException;

/**
 * Responder Hello, chunk 0x70, RFC 7016 §2.3.4:
 * {@code tagLength(VLU) | tagEcho | cookieLength(VLU) | cookie | certificate (rest)}.
 * Arrays are not copied: treat them as immutable.
 */
public record RHello(byte[] tagEcho, byte[] cookie, byte[] certificate) {

    public static RHello decode(byte[] payload) throws MalformedException {
        ByteBuffer in = ByteBuffer.wrap(payload);
        byte[] tag = Fields.lengthPrefixed(in, "tag echo");
        byte[] cookie = Fields.lengthPrefixed(in, "cookie");
        return new RHello(tag, cookie, Fields.rest(in));
    }

    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(Fields.lengthPrefixedSize(tagEcho) + Fields.lengthPrefixedSize(cookie) + certificate.length);
        Fields.putLengthPrefixed(out, tagEcho);
        Fields.putLengthPrefixed(out, cookie);
        out.put(certificate);
        return out.array();
    }

    public Chunk chunk() {
        return new Chunk(Chunk.RHELLO, encode());
    }
}
