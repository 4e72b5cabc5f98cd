package org.nimbus.rtmfp.flow;

import java.nio.ByteBuffer;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.MalformedException;
import org.nimbus.rtmfp.packet.Vlu;

/**
 * Buffer Probe, RFC 7016 §2.3.15: asks the receiver of a flow to send an acknowledgement (and
 * with it a fresh buffer availability) after it advertised a zero window (§3.6.2.3.2).
 */
public record BufferProbeChunk(long flowId) {

    public BufferProbeChunk {
        if (flowId < 0) {
            throw new IllegalArgumentException("negative flow ID");
        }
    }

    /** Reads the flow ID; bytes after it are ignored, leaving room for extensions. */
    public static BufferProbeChunk decode(byte[] payload) throws MalformedException {
        return new BufferProbeChunk(Vlu.read(ByteBuffer.wrap(payload)));
    }

    public byte[] encode() {
        return Vlu.encode(flowId);
    }

    public FlowChunk toChunk() {
        return new FlowChunk(Chunk.BUFFER_PROBE, encode());
    }
}
