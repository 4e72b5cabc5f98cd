package org.nimbus.fuzz;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nimbus.rtmfp.flow.AckChunk;
import org.nimbus.rtmfp.flow.BufferProbeChunk;
import org.nimbus.rtmfp.flow.FlowExceptionChunk;
import org.nimbus.rtmfp.flow.Fragment;
import org.nimbus.rtmfp.flow.UserDataChunk;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.MalformedException;

/**
 * Flow chunks (RFC 7016 §2.3.11-§2.3.17): user data (with its option list and the "next" form
 * that inherits from the previous chunk), acknowledgements (ranges and bitmap), buffer probes and
 * flow exceptions, from the vectors' chunk payloads.
 */
class FlowFuzzTest {
    private static final UserDataChunk PREVIOUS = new UserDataChunk(Fragment.WHOLE, false, false, 3, 7, 1, null, new byte[] {1, 2, 3});

    @Test
    void flowChunksDecodeOrAreRefused() {
        Fuzz.bytes("flow chunks", Mutations.vectorsAnd(List.of(), "payload_hex", "userDataHex"), (p, r) -> {
            Guard.check(p, () -> UserDataChunk.decode(p), MalformedException.class);
            Guard.check(p, () -> UserDataChunk.decodeNext(p, PREVIOUS), MalformedException.class);
            Guard.check(p, () -> AckChunk.decode(Chunk.ACK_RANGES, p), MalformedException.class);
            Guard.check(p, () -> AckChunk.decode(Chunk.ACK_BITMAP, p), MalformedException.class);
            Guard.check(p, () -> BufferProbeChunk.decode(p), MalformedException.class);
            Guard.check(p, () -> FlowExceptionChunk.decode(p), MalformedException.class);
        });
    }
}
