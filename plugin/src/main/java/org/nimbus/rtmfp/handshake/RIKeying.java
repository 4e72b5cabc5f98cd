package org.nimbus.rtmfp.handshake;

import java.nio.ByteBuffer;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.MalformedException;

/**
 * Responder Initial Keying, chunk 0x78, RFC 7016 §2.3.8:
 * {@code responderSessionId(32) | skrcLength(VLU) | SKRC | signature (rest)}.
 * Arrays are not copied: treat them as immutable.
 */
public record RIKeying(int responderSessionId, byte[] skrc, byte[] signature) {
    /**
     * The one-byte signature every Flash-profile implementation sends ('X': rtmfp-cpp, Mona);
     * RFC 7425 §4.6 leaves signatures unchecked.
     */
    public static final byte[] FLASH_SIGNATURE = {0x58};

    public static RIKeying decode(byte[] payload) throws MalformedException {
        ByteBuffer in = ByteBuffer.wrap(payload);
        int sid = Fields.int32(in, "responder session ID");
        byte[] skrc = Fields.lengthPrefixed(in, "SKRC");
        return new RIKeying(sid, skrc, Fields.rest(in));
    }

    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(4 + Fields.lengthPrefixedSize(skrc) + signature.length);
        out.putInt(responderSessionId);
        Fields.putLengthPrefixed(out, skrc);
        out.put(signature);
        return out.array();
    }

    public Chunk chunk() {
        return new Chunk(Chunk.RIKEYING, encode());
    }
}
