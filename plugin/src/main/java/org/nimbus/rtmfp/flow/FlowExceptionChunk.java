package org.nimbus.rtmfp.flow;

import java.nio.ByteBuffer;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.MalformedException;
import org.nimbus.rtmfp.packet.Vlu;

/**
 * Flow Exception Report, RFC 7016 §2.3.16: the receiver rejects a flow; the sender must stop
 * sending it (§3.6.2.8). The exception code's meaning belongs to the application.
 */
public record FlowExceptionChunk(long flowId, long exceptionCode) {

    public FlowExceptionChunk {
        if (flowId < 0 || exceptionCode < 0) {
            throw new IllegalArgumentException("negative field");
        }
    }

    /** Reads flow ID and code; bytes after them are ignored, leaving room for extensions. */
    public static FlowExceptionChunk decode(byte[] payload) throws MalformedException {
        ByteBuffer in = ByteBuffer.wrap(payload);
        long flowId = Vlu.read(in);
        long code = Vlu.read(in);
        return new FlowExceptionChunk(flowId, code);
    }

    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(Vlu.size(flowId) + Vlu.size(exceptionCode));
        Vlu.write(out, flowId);
        Vlu.write(out, exceptionCode);
        return out.array();
    }

    public FlowChunk toChunk() {
        return new FlowChunk(Chunk.FLOW_EXCEPTION, encode());
    }
}
