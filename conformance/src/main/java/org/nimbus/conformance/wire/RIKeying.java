package org.nimbus.conformance.wire;

/** RFC 7016 §2.3.8 Responder Initial Keying (0x78): {@code responderSessionId(4) | skrcLength | skrc | signature}. */
public record RIKeying(int responderSessionId, byte[] skrc, byte[] signature) {
    public static RIKeying decode(byte[] payload) {
        ByteReader r = new ByteReader(payload);
        int sid = r.s32();
        byte[] skrc = r.bytes(r.vluLength());
        return new RIKeying(sid, skrc, r.rest());
    }

    public Chunk toChunk() {
        return new Chunk(ChunkType.RIKEYING,
                new ByteWriter().u32(responderSessionId & 0xffffffffL).vluPrefixed(skrc).bytes(signature).toByteArray());
    }
}
