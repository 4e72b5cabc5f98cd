package org.nimbus.conformance.wire;

/** RFC 7016 §2.3.16 Flow Exception Report (0x5e): {@code flowID | exception code}. */
public record FlowException(long flowId, long code) {
    public static FlowException decode(Chunk c) {
        ByteReader r = new ByteReader(c.payload());
        return new FlowException(r.vlu(), r.vlu());
    }

    public Chunk toChunk() {
        return new Chunk(ChunkType.FLOW_EXCEPTION, new ByteWriter().vlu(flowId).vlu(code).toByteArray());
    }
}
