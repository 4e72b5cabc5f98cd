package org.nimbus.conformance.wire;

/** RFC 7016 §2.3.15 Buffer Probe (0x18): {@code flowID}. */
public record BufferProbe(long flowId) {
    public static BufferProbe decode(Chunk c) {
        return new BufferProbe(new ByteReader(c.payload()).vlu());
    }

    public Chunk toChunk() {
        return new Chunk(ChunkType.BUFFER_PROBE, Vlu.encode(flowId));
    }
}
