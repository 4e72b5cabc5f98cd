package org.nimbus.rtmfp.flow;

import org.nimbus.rtmfp.packet.Chunk;

/**
 * A chunk the flow layer built for an outgoing packet (User Data, acknowledgement, buffer probe,
 * flow exception): a {@link Chunk} that owns the payload the flow has just encoded, so the
 * session puts it in the packet as it is, without a copy. Adds nothing to {@link Chunk}; it names
 * what {@link SendFlow#assemble} and {@link RecvFlow#takeAck} return.
 */
public final class FlowChunk extends Chunk {
    FlowChunk(int type, byte[] encoded) {
        super(type, encoded, false);
    }
}
