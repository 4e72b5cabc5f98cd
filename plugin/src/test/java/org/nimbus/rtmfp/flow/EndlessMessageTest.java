package org.nimbus.rtmfp.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.nimbus.rtmfp.packet.Chunk;

/** A sender that never ends its message cannot make a receive flow buffer without bound. */
class EndlessMessageTest {

    @Test
    void endlessMessageIsRefusedAtTwiceTheBuffer() throws Exception {
        long capacity = 16 * 1024;
        RecvFlow r = new RecvFlow(1, new byte[] {1}, OptionalLong.empty(), capacity);
        r.onUserData(new UserDataChunk(Fragment.BEGIN, false, false, 1, 1, 1, null, new byte[1000]), 0);
        long maxBuffered = 0;
        for (long seq = 2; seq < 1000; seq++) {
            r.onUserData(new UserDataChunk(Fragment.MIDDLE, false, false, 1, seq, 1, null, new byte[1000]), 0);
            maxBuffered = Math.max(maxBuffered, r.bufferedBytes());
        }
        assertTrue(maxBuffered <= 2 * capacity, "buffered " + maxBuffered);
        assertEquals(RecvFlow.State.REJECTED, r.state());
        FlowChunk first = r.takeAck(1000).get(0);
        assertEquals(Chunk.FLOW_EXCEPTION, first.type());
        assertEquals(RecvFlow.MESSAGE_TOO_LARGE, FlowExceptionChunk.decode(first.payload()).exceptionCode());
    }

    @Test
    void messageLargerThanTheBufferButWithinTheLimitArrives() {
        long capacity = 16 * 1024;
        RecvFlow r = new RecvFlow(1, new byte[] {1}, OptionalLong.empty(), capacity);
        int pieces = 30; // 30 000 bytes: more than the buffer, less than twice it
        for (long seq = 1; seq <= pieces; seq++) {
            Fragment f = seq == 1 ? Fragment.BEGIN : seq == pieces ? Fragment.END : Fragment.MIDDLE;
            r.onUserData(new UserDataChunk(f, false, false, 1, seq, 1, null, new byte[1000]), 0);
        }
        FlowEvent.MessageReceived m = (FlowEvent.MessageReceived) r.takeEvents().get(0);
        assertEquals(30_000, m.message().length);
        assertEquals(RecvFlow.State.OPEN, r.state());
    }
}
