package org.nimbus.rtmfp.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.nimbus.rtmfp.packet.Chunk;

/** Congestion window, retransmission timeout, receive window and buffer probe behaviour. */
class CongestionAndWindowTest {

    private static long bytes(List<FlowChunk> chunks) {
        return chunks.stream().mapToLong(Chunk::size).sum();
    }

    @Test
    void windowLimitsSendingAndGrowsWithAcks() throws Exception {
        CongestionControl cc = new CongestionControl();
        SendFlow s = new SendFlow(1, new byte[] {1}, OptionalLong.empty(), cc);
        s.write(new byte[200_000], 0);
        long cwnd0 = cc.cwnd();
        assertEquals(cc.initialWindow(), cwnd0);
        long sent = 0;
        List<FlowChunk> packet;
        while (!(packet = s.assemble(1200, 0)).isEmpty()) {
            sent += bytes(packet);
        }
        assertTrue(sent >= cwnd0 && sent < cwnd0 + 1200, "one window in flight: " + sent);
        // slow start: acknowledging everything grows the window by what was acknowledged (≤ 1 MSS per ack)
        long cum = 0;
        for (int round = 0; round < 4; round++) {
            long before = cc.cwnd();
            long now = 100L * (round + 1);
            long inFlight = s.outstandingBytes() / 1160;
            for (int i = 0; i < inFlight; i++) {
                cum++;
                s.onAck(new AckChunk(1, 1000, cum, List.of()), now);
            }
            assertTrue(cc.cwnd() > before, "window grows in round " + round + ": " + before + " -> " + cc.cwnd());
            while (!(packet = s.assemble(1200, now)).isEmpty()) {
                sent += bytes(packet);
            }
        }
        assertTrue(cc.cwnd() >= 2 * cwnd0, "slow start at least doubled the window: " + cc.cwnd());
        assertTrue(cc.srtt() > 0, "round trips were measured");
    }

    @Test
    void nackedLossHalvesWindowOncePerWindow() throws Exception {
        CongestionControl cc = new CongestionControl();
        SendFlow s = new SendFlow(1, new byte[] {1}, OptionalLong.empty(), cc);
        s.write(new byte[500_000], 0);
        long now = 0;
        long cum = 0;
        // grow to a decent window with perfect acks
        for (int round = 0; round < 6; round++) {
            while (!s.assemble(1200, now).isEmpty()) {
                // fill the window
            }
            now += 50;
            long inFlight = s.outstandingBytes() / 1160;
            for (int i = 0; i < inFlight; i++) {
                s.onAck(new AckChunk(1, 1000, ++cum, List.of()), now);
            }
        }
        while (!s.assemble(1200, now).isEmpty()) {
            // fill the window: one fragment per packet, each with its own TSN
        }
        long grown = cc.cwnd();
        long preLossOutstanding = cc.outstandingBytes();
        // fragment cum+1 and cum+2 are lost; the receiver reports ranges above them
        long lostA = cum + 1;
        long from = cum + 3;
        now += 50;
        for (int k = 0; k < 4; k++) {
            s.onAck(new AckChunk(1, 1000, cum, List.of(new AckChunk.Range(from, from + k))), now);
        }
        long reduced = cc.cwnd();
        assertTrue(reduced < grown, "loss reduces the window: " + grown + " -> " + reduced);
        // halved from what was in flight when the loss was found (a little less than before the acks)
        assertTrue(reduced <= Math.max(preLossOutstanding / 2, cc.initialWindow()) && reduced >= cc.initialWindow());
        assertEquals(reduced, cc.ssthresh());
        // both losses were from the same window: one reduction only
        s.onAck(new AckChunk(1, 1000, cum, List.of(new AckChunk.Range(from, from + 5))), now);
        assertEquals(reduced, cc.cwnd());
        // the lost fragments are retransmitted first
        List<FlowChunk> retransmit = s.assemble(1200, now);
        assertEquals(lostA, UserDataChunk.decode(retransmit.get(0).payload()).sequenceNumber());
    }

    @Test
    void timeoutCollapsesWindowAndBacksOff() {
        CongestionControl cc = new CongestionControl();
        SendFlow s = new SendFlow(1, new byte[] {1}, OptionalLong.empty(), cc);
        s.write(new byte[10_000], 0);
        s.assemble(1200, 0);
        assertEquals(CongestionControl.INITIAL_ERTO, cc.nextDeadline());
        assertFalse(cc.onTimer(CongestionControl.INITIAL_ERTO - 1));
        assertTrue(cc.onTimer(CongestionControl.INITIAL_ERTO));
        assertEquals(cc.cwndAfterTimeout(), cc.cwnd());
        assertEquals(0, cc.outstandingBytes());
        assertEquals(0, s.outstandingBytes());
        long backedOff = cc.erto();
        assertTrue(backedOff > CongestionControl.INITIAL_ERTO && backedOff <= CongestionControl.INITIAL_ERTO * 3 / 2);
        assertEquals(Long.MAX_VALUE, cc.nextDeadline(), "nothing in flight, no timer");
        // repeated timeouts back off up to the ceiling
        long t = CongestionControl.INITIAL_ERTO;
        for (int i = 0; i < 20; i++) {
            s.assemble(1200, t);
            t = cc.nextDeadline();
            assertTrue(cc.onTimer(t));
        }
        assertEquals(CongestionControl.MAXIMUM_ERTO, cc.erto());
        assertEquals(21, cc.timeouts());
        // an RTT sample brings ERTO back: 100 ms + 4·50 + 200 ms delayed-ack allowance
        cc.onRttSample(100);
        assertEquals(500, cc.erto());
        cc.onRttSample(0);
        assertTrue(cc.erto() >= CongestionControl.MINIMUM_ERTO);
    }

    @Test
    void receiverWindowLimitsOutstandingData() throws Exception {
        CongestionControl cc = new CongestionControl();
        SendFlow s = new SendFlow(1, new byte[] {1}, OptionalLong.empty(), cc);
        s.write(new byte[100_000], 0);
        s.assemble(1200, 0);
        // the receiver has room for 2 blocks only
        s.onAck(new AckChunk(1, 2, 1, List.of()), 10);
        for (int i = 0; i < 10; i++) {
            s.assemble(1200, 10);
        }
        assertTrue(s.outstandingBytes() <= 2048 + 1200, "window respected: " + s.outstandingBytes());
        assertTrue(s.outstandingBytes() >= 2048);
    }

    @Test
    void zeroWindowProbesOnlyAfterZeroWasAdvertised() throws Exception {
        FlowPair pair = new FlowPair(12, 4096);
        pair.receiver.setPaused(true);
        for (int i = 0; i < 20; i++) {
            pair.sender.write(new byte[1000], 0);
        }
        pair.runUntil(() -> pair.sender.receiveWindow() == 0, 5_000);
        assertEquals(0, pair.chunkCount(Chunk.BUFFER_PROBE), "no probe before the zero window");
        assertTrue(pair.receiver.bufferedBytes() <= 4096, "receive buffer bounded: " + pair.receiver.bufferedBytes());
        assertTrue(pair.messages.isEmpty());
        long zeroAt = pair.now;
        assertTrue(pair.sender.nextDeadline() >= zeroAt + SendFlow.PERSIST_INITIAL - 50);
        pair.runUntil(() -> pair.chunkCount(Chunk.BUFFER_PROBE) >= 3, 60_000);
        long probes = pair.chunkCount(Chunk.BUFFER_PROBE);
        assertTrue(pair.now - zeroAt > 2 * SendFlow.PERSIST_INITIAL, "probes back off");
        // the application resumes: the window reopens and everything arrives
        pair.receiver.setPaused(false);
        pair.runUntil(() -> pair.messages.size() == 20, 60_000);
        long after = pair.chunkCount(Chunk.BUFFER_PROBE);
        for (int i = 0; i < 5000; i++) {
            pair.tick();
        }
        assertEquals(after, pair.chunkCount(Chunk.BUFFER_PROBE), "no probes once the window is open");
        assertTrue(probes >= 3);
    }

    @Test
    void outOfOrderDataBeyondBufferIsDroppedUnacknowledged() throws Exception {
        RecvFlow r = new RecvFlow(1, new byte[] {1}, OptionalLong.empty(), 4096);
        // sequence 1 missing; 2..10 with 1000 bytes each: only what fits is kept
        for (long seq = 2; seq <= 10; seq++) {
            r.onUserData(new UserDataChunk(Fragment.WHOLE, false, false, 1, seq, seq, null, new byte[1000]), 0);
        }
        assertTrue(r.bufferedBytes() <= 4096);
        AckChunk ack = AckChunk.decodeRanges(r.takeAck(1200).get(0).payload());
        assertEquals(0, ack.cumulativeAck());
        assertEquals(1, ack.ranges().size());
        long kept = ack.ranges().get(0).to() - 1;
        assertTrue(kept >= 2 && kept < 9, "some but not all kept: " + kept);
        assertEquals(1, ack.bufferBlocksAvailable(), "full buffer still advertises one block while delivering");
        // the missing first fragment always gets in and releases the rest
        r.onUserData(new UserDataChunk(Fragment.WHOLE, false, false, 1, 1, 1, null, new byte[1000]), 0);
        assertEquals(1 + kept, r.takeEvents().size());
        assertEquals(0, r.bufferedBytes());
        AckChunk after = AckChunk.decodeRanges(r.takeAck(1200).get(0).payload());
        assertEquals(1 + kept, after.cumulativeAck());
        assertEquals(4, after.bufferBlocksAvailable());
    }

    @Test
    void pausedReceiverAdvertisesZero() {
        RecvFlow r = new RecvFlow(1, new byte[] {1}, OptionalLong.empty(), 2048);
        r.setPaused(true);
        r.onUserData(new UserDataChunk(Fragment.WHOLE, false, false, 1, 1, 1, null, new byte[1500]), 0);
        r.onUserData(new UserDataChunk(Fragment.WHOLE, false, false, 1, 2, 2, null, new byte[1500]), 0);
        assertEquals(0, r.bufferBlocksAvailable());
        assertTrue(r.takeEvents().isEmpty());
        r.onBufferProbe();
        assertTrue(r.isAckUrgent());
        r.setPaused(false);
        List<FlowEvent> events = r.takeEvents();
        assertEquals(1, events.size(), "the second message never fitted");
        assertArrayEquals(new byte[1500], ((FlowEvent.MessageReceived) events.get(0)).message());
    }

    @Test
    void rangeCountIsBounded() {
        RecvFlow r = new RecvFlow(1, new byte[] {1}, OptionalLong.empty(), 1 << 30);
        for (long seq = 3; seq < 3 + 4 * RecvFlow.MAX_RANGES; seq += 2) {
            r.onUserData(new UserDataChunk(Fragment.WHOLE, true, false, 1, seq, 0, null, new byte[0]), 0);
        }
        assertTrue(r.currentAck().ranges().size() <= RecvFlow.MAX_RANGES);
        // the acknowledgement is truncated to the budget
        List<FlowChunk> ack = r.takeAck(200);
        assertTrue(ack.get(0).size() <= 200);
    }
}
