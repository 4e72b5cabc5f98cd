package org.nimbus.conformance.wire;

/**
 * RFC 7016 §2.3.7 Initiator Initial Keying (0x38): {@code initiatorSessionId(4) | cookieLength |
 * cookieEcho | certLength | certificate | skicLength | skic | signature}.
 */
public record IIKeying(int initiatorSessionId, byte[] cookieEcho, byte[] certificate, byte[] skic, byte[] signature) {
    public static IIKeying decode(byte[] payload) {
        ByteReader r = new ByteReader(payload);
        int sid = r.s32();
        byte[] cookie = r.bytes(r.vluLength());
        byte[] cert = r.bytes(r.vluLength());
        byte[] skic = r.bytes(r.vluLength());
        return new IIKeying(sid, cookie, cert, skic, r.rest());
    }

    public Chunk toChunk() {
        return new Chunk(ChunkType.IIKEYING, new ByteWriter().u32(initiatorSessionId & 0xffffffffL)
                .vluPrefixed(cookieEcho).vluPrefixed(certificate).vluPrefixed(skic).bytes(signature).toByteArray());
    }
}
