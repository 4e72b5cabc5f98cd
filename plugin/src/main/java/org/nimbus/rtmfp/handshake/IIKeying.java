package org.nimbus.rtmfp.handshake;

import java.nio.ByteBuffer;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.MalformedException;

/**
 * Initiator Initial Keying, chunk 0x38, RFC 7016 §2.3.7:
 * {@code initiatorSessionId(32) | cookieLength(VLU) | cookieEcho | certLength(VLU) | certificate |
 * skicLength(VLU) | SKIC | signature (rest)}. Arrays are not copied: treat them as immutable.
 */
public record IIKeying(int initiatorSessionId, byte[] cookie, byte[] certificate, byte[] skic, byte[] signature) {

    public static IIKeying decode(byte[] payload) throws MalformedException {
        ByteBuffer in = ByteBuffer.wrap(payload);
        int sid = Fields.int32(in, "initiator session ID");
        byte[] cookie = Fields.lengthPrefixed(in, "cookie");
        byte[] cert = Fields.lengthPrefixed(in, "certificate");
        byte[] skic = Fields.lengthPrefixed(in, "SKIC");
        return new IIKeying(sid, cookie, cert, skic, Fields.rest(in));
    }

    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(4 + Fields.lengthPrefixedSize(cookie) + Fields.lengthPrefixedSize(certificate)
                + Fields.lengthPrefixedSize(skic) + signature.length);
        out.putInt(initiatorSessionId);
        Fields.putLengthPrefixed(out, cookie);
        Fields.putLengthPrefixed(out, certificate);
        Fields.putLengthPrefixed(out, skic);
        out.put(signature);
        return out.array();
    }

    public Chunk chunk() {
        return new Chunk(Chunk.IIKEYING, encode());
    }
}
