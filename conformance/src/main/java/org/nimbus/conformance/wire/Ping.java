package org.nimbus.conformance.wire;

/** RFC 7016 §2.3.9 Ping (0x01) and §2.3.10 Ping Reply (0x41): an opaque message, echoed back. */
public record Ping(boolean reply, byte[] message) {
    public static Ping decode(Chunk c) {
        if (c.type() != ChunkType.PING && c.type() != ChunkType.PING_REPLY) {
            throw new WireFormatException("not a ping chunk");
        }
        return new Ping(c.type() == ChunkType.PING_REPLY, c.payload());
    }

    public Chunk toChunk() {
        return new Chunk(reply ? ChunkType.PING_REPLY : ChunkType.PING, message);
    }
}
