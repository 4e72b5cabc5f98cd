package org.nimbus.rtmfp.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nimbus.rtmfp.packet.Chunk;

/** Whole-flow behaviour over simulated links with a fake clock. */
class FlowTransferTest {

    private static byte[] message(Random random, int size) {
        byte[] m = new byte[size];
        random.nextBytes(m);
        return m;
    }

    @Test
    void messagesFromOneByteToOneMegabyteReassemble() throws Exception {
        FlowPair pair = new FlowPair(1, 4 << 20);
        int frag = pair.sender.fragmentDataSize();
        int[] sizes = {0, 1, 2, frag - 1, frag, frag + 1, 2 * frag, 2 * frag + 1, 10_000, 65_536, 100_003, 1 << 20};
        Random random = new Random(5);
        List<byte[]> sent = new ArrayList<>();
        List<WriteReceipt> receipts = new ArrayList<>();
        for (int size : sizes) {
            byte[] m = message(random, size);
            sent.add(m);
            receipts.add(pair.sender.write(m, pair.now));
        }
        pair.runUntil(() -> pair.messages.size() == sizes.length
                && receipts.stream().allMatch(r -> r.status() == WriteReceipt.Status.DELIVERED), 120_000);
        for (int i = 0; i < sizes.length; i++) {
            assertArrayEquals(sent.get(i), pair.messages.get(i), "message " + i + " of " + sizes[i] + " bytes");
        }
        assertEquals(0, pair.sender.bufferedBytes());
        assertEquals(0, pair.receiver.bufferedBytes());
        // the three tiny messages share the first packet: consecutive chunks as Next User Data (§2.3.12)
        assertTrue(pair.chunkCount(Chunk.NEXT_USER_DATA) >= 2);
        assertTrue(pair.chunkCount(Chunk.USER_DATA) > 900);
    }

    @Test
    void messageLargerThanTheBufferStillArrives() throws Exception {
        // In-order fragments pass the window, up to twice the buffer (RecvFlow's hard limit).
        FlowPair pair = new FlowPair(2, 8192);
        byte[] big = message(new Random(3), 15_000);
        pair.sender.write(big, 0);
        pair.runUntil(() -> pair.messages.size() == 1, 600_000);
        assertArrayEquals(big, pair.messages.get(0));
    }

    @Test
    void messageBeyondTwiceTheBufferIsRefusedWithAFlowException() throws Exception {
        FlowPair pair = new FlowPair(2, 8192);
        pair.sender.write(message(new Random(3), 200_000), 0);
        pair.runUntil(() -> pair.sender.exceptionCode().isPresent(), 600_000);
        assertEquals(RecvFlow.MESSAGE_TOO_LARGE, pair.sender.exceptionCode().getAsLong());
        assertTrue(pair.messages.isEmpty());
    }

    @Test
    void lossyLinkDeliversEveryMessageWholeAndInOrder() throws Exception {
        FlowPair pair = new FlowPair(7016, 256 * 1024);
        pair.impair(0.10, 0.10, 0.10);
        Random random = new Random(11);
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            byte[] m = message(random, random.nextInt(i % 50 == 0 ? 20_000 : 3000));
            sent.add(m);
            pair.sender.write(m, pair.now);
            if (i % 20 == 0) {
                pair.tick();
            }
        }
        pair.sender.close();
        pair.runUntil(() -> pair.sender.isComplete() && pair.receiver.isComplete(), 600_000);
        assertEquals(sent.size(), pair.messages.size());
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i), pair.messages.get(i), "message " + i);
        }
        assertTrue(pair.forward.dropped > 10 && pair.back.dropped > 5, "the link really lost packets");
        assertEquals(List.of(new FlowEvent.SendFlowComplete(5)), pair.senderEvents);
        assertTrue(pair.receiverEvents.contains(new FlowEvent.RecvFlowComplete(5)));
        // the peer never advertised a zero window, so no buffer probe may go out (docs/interop.md)
        assertEquals(0, pair.chunkCount(Chunk.BUFFER_PROBE));
        System.out.printf("lossy: %d ms, %d/%d fwd dropped, %d/%d back dropped, timeouts %d, cwnd %d, erto %d, srtt %.1f%n",
                pair.now, pair.forward.dropped, pair.forward.sent, pair.back.dropped, pair.back.sent, pair.cc.timeouts(),
                pair.cc.cwnd(), pair.cc.erto(), pair.cc.srtt());
    }

    @Test
    void unorderedReceiverDeliversAllAsTheyComplete() throws Exception {
        FlowPair pair = new FlowPair(99, 256 * 1024);
        pair.receiver.setUnordered(true);
        pair.impair(0.10, 0.10, 0.10);
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            byte[] m = ("message " + i + " ").repeat(1 + i % 400).getBytes();
            sent.add(m);
            pair.sender.write(m, pair.now);
        }
        pair.sender.close();
        pair.runUntil(() -> pair.sender.isComplete() && pair.receiver.isComplete(), 600_000);
        assertEquals(sent.size(), pair.messages.size());
        List<String> expected = sent.stream().map(String::new).sorted().toList();
        List<String> got = pair.messages.stream().map(String::new).sorted().toList();
        assertEquals(expected, got);
        List<String> arrival = pair.messages.stream().map(String::new).toList();
        assertNotEquals(sent.stream().map(String::new).toList(), arrival, "loss should have reordered delivery");
    }

    @Test
    void startupOptionsUntilFirstAck() throws Exception {
        FlowPair pair = new FlowPair(3, 65536);
        pair.sender.write(new byte[] {1}, 0);
        pair.sender.write(new byte[] {2}, 0);
        List<FlowChunk> first = pair.sender.assemble(FlowPair.PACKET_BUDGET, 0);
        assertEquals(2, first.size());
        UserDataChunk c0 = UserDataChunk.decode(first.get(0).payload());
        assertArrayEquals(FlowPair.METADATA, c0.metadata().orElseThrow());
        assertEquals(2, c0.returnAssociation().orElseThrow());
        assertEquals(Chunk.NEXT_USER_DATA, first.get(1).type());
        FlowStart start = FlowStart.of(c0);
        assertTrue(start.acceptable());
        // lost: the retransmission still carries the options
        pair.cc.onTimer(CongestionControl.INITIAL_ERTO);
        List<FlowChunk> again = pair.sender.assemble(FlowPair.PACKET_BUDGET, CongestionControl.INITIAL_ERTO);
        assertTrue(UserDataChunk.decode(again.get(0).payload()).hasOptions());
        assertEquals(2, pair.cc.cwndAfterTimeout() / pair.cc.mss());
        // after an ack they are gone
        pair.sender.onAck(new AckChunk(5, 64, 1, List.of()), CongestionControl.INITIAL_ERTO + 30);
        pair.sender.write(new byte[] {3}, 0);
        List<FlowChunk> later = pair.sender.assemble(FlowPair.PACKET_BUDGET, CongestionControl.INITIAL_ERTO + 30);
        UserDataChunk l0 = UserDataChunk.decode(later.get(0).payload());
        assertFalse(l0.hasOptions());
        assertEquals(3, l0.sequenceNumber());
        assertEquals(1, l0.forwardSequenceNumber());
    }

    @Test
    void budgetIsRespected() throws Exception {
        FlowPair pair = new FlowPair(4, 65536);
        pair.sender.write(new byte[5000], 0);
        for (int budget : new int[] {3, 20, 100, 700}) {
            List<FlowChunk> chunks = pair.sender.assemble(budget, 0);
            assertTrue(chunks.stream().mapToInt(Chunk::size).sum() <= budget);
        }
        List<FlowChunk> full = pair.sender.assemble(SendFlow.DEFAULT_MAX_CHUNK_PAYLOAD + Chunk.HEADER_SIZE, 0);
        assertEquals(1, full.size(), "one whole fragment always fits the configured chunk payload");
    }

    @Test
    void closeSetsFinalAndBothSidesComplete() throws Exception {
        FlowPair pair = new FlowPair(5, 65536);
        pair.sender.write("a".getBytes(), 0);
        pair.sender.write("b".getBytes(), 0);
        pair.sender.close();
        assertEquals(2, pair.sender.finalSequenceNumber(), "the unsent last fragment carries the final flag");
        pair.runUntil(() -> pair.sender.isComplete() && pair.receiver.isComplete(), 10_000);
        assertEquals(List.of("a", "b"), pair.messages.stream().map(String::new).toList());
        // after completion the receiver still acknowledges late retransmissions
        pair.receiver.onUserData(new UserDataChunk(Fragment.WHOLE, false, true, 5, 2, 1, null, "b".getBytes()), pair.now);
        assertTrue(pair.receiver.isAckUrgent());
        assertTrue(pair.receiver.takeEvents().isEmpty(), "no duplicate delivery");
    }

    @Test
    void closeAfterLastFragmentWasSentUsesEmptyFinal() throws Exception {
        FlowPair pair = new FlowPair(6, 65536);
        WriteReceipt x = pair.sender.write("x".getBytes(), 0);
        pair.runUntil(() -> x.status() == WriteReceipt.Status.DELIVERED, 1000);
        pair.sender.close();
        assertEquals(2, pair.sender.finalSequenceNumber());
        List<FlowChunk> fin = pair.sender.assemble(FlowPair.PACKET_BUDGET, pair.now);
        UserDataChunk c = UserDataChunk.decode(fin.get(0).payload());
        assertTrue(c.fin() && c.abandon());
        assertEquals(0, c.data().length);
        assertEquals(2, c.sequenceNumber());
        assertEquals(1, c.fsnOffset(), "laid out like MonaTiny's closing chunk 03 01 05 01");
        // nothing written at all: complete at once, nothing to send
        SendFlow idle = new SendFlow(9, FlowPair.METADATA, java.util.OptionalLong.empty(), new CongestionControl());
        idle.close();
        assertTrue(idle.isComplete());
        assertTrue(idle.assemble(1200, 0).isEmpty());
    }

    @Test
    void abandonedMessageIsSkippedAndLaterOnesArrive() throws Exception {
        FlowPair pair = new FlowPair(8, 65536);
        WriteReceipt first = pair.sender.write("one".getBytes(), 0);
        pair.tick();
        pair.forward.down = true; // everything sent now is lost
        WriteReceipt doomed = pair.sender.write(new byte[5000], pair.now, 100);
        WriteReceipt third = pair.sender.write("three".getBytes(), pair.now);
        for (int i = 0; i < 150; i++) {
            pair.tick();
        }
        pair.forward.down = false;
        pair.runUntil(() -> third.status() == WriteReceipt.Status.DELIVERED, 60_000);
        assertEquals(WriteReceipt.Status.DELIVERED, first.status());
        assertEquals(WriteReceipt.Status.ABANDONED, doomed.status());
        assertEquals(List.of("one", "three"), pair.messages.stream().map(String::new).toList());
        assertEquals(pair.receiver.cumulativeAck(), third.lastSequenceNumber());
    }

    @Test
    void explicitAbandonOfPartlyReceivedMessageDropsItsFragments() throws Exception {
        RecvFlow r = new RecvFlow(1, FlowPair.METADATA, java.util.OptionalLong.empty(), 65536);
        r.onUserData(new UserDataChunk(Fragment.BEGIN, false, false, 1, 1, 1, null, new byte[100]), 0);
        r.onUserData(new UserDataChunk(Fragment.MIDDLE, false, false, 1, 2, 2, null, new byte[100]), 0);
        assertTrue(r.bufferedBytes() > 0);
        // the sender abandoned 3 (the end) and moved its forward sequence number past it
        r.onUserData(new UserDataChunk(Fragment.WHOLE, false, false, 1, 4, 1, null, "next".getBytes()), 0);
        List<FlowEvent> events = r.takeEvents();
        assertEquals(1, events.size());
        assertEquals("next", new String(((FlowEvent.MessageReceived) events.get(0)).message()));
        assertEquals(0, r.bufferedBytes());
        assertEquals(4, r.cumulativeAck());
    }

    @Test
    void rejectedFlowReportsExceptionAndSenderStops() throws Exception {
        FlowPair pair = new FlowPair(9, 65536);
        WriteReceipt r1 = pair.sender.write(new byte[3000], 0);
        pair.tick();
        pair.receiver.reject(17);
        WriteReceipt r2 = pair.sender.write(new byte[3000], pair.now);
        pair.runUntil(() -> pair.sender.isComplete(), 30_000);
        assertEquals(new FlowEvent.SendFlowRejected(5, 17), pair.senderEvents.get(0));
        assertEquals(17, pair.sender.exceptionCode().orElseThrow());
        assertEquals(WriteReceipt.Status.ABANDONED, r2.status());
        assertNotEquals(WriteReceipt.Status.PENDING, r1.status());
        assertTrue(pair.messages.isEmpty());
        assertTrue(pair.receiver.isComplete(), "the final fragment reached the rejecting receiver");
        List<FlowChunk> ack = pair.receiver.takeAck(100);
        assertEquals(Chunk.FLOW_EXCEPTION, ack.get(0).type());
        assertEquals(new FlowExceptionChunk(5, 17), FlowExceptionChunk.decode(ack.get(0).payload()));
        assertEquals(Chunk.ACK_RANGES, ack.get(1).type());
    }

    @Test
    void duplicatesAreDroppedAndAckedAtOnce() {
        RecvFlow r = new RecvFlow(1, FlowPair.METADATA, java.util.OptionalLong.empty(), 65536);
        UserDataChunk c = new UserDataChunk(Fragment.WHOLE, false, false, 1, 1, 1, null, "m".getBytes());
        r.onUserData(c, 0);
        r.takeAck(100);
        r.onUserData(new UserDataChunk(Fragment.WHOLE, false, false, 1, 2, 2, null, "n".getBytes()), 10);
        r.takeAck(100);
        r.onUserData(new UserDataChunk(Fragment.WHOLE, false, false, 1, 3, 3, null, "o".getBytes()), 20);
        assertFalse(r.isAckUrgent(), "in-order data with an open window may wait");
        assertEquals(220, r.ackDeadline());
        r.onUserData(c, 30);
        assertTrue(r.isAckUrgent(), "a duplicate is acknowledged at once");
        assertEquals(3, r.takeEvents().size());
    }

    @Test
    void orderingHoldsBackUntilGapFilled() throws Exception {
        RecvFlow r = new RecvFlow(1, FlowPair.METADATA, java.util.OptionalLong.empty(), 65536);
        r.onUserData(new UserDataChunk(Fragment.WHOLE, false, false, 1, 2, 2, null, "b".getBytes()), 0);
        r.onUserData(new UserDataChunk(Fragment.WHOLE, false, false, 1, 4, 4, null, "d".getBytes()), 0);
        assertTrue(r.takeEvents().isEmpty());
        AckChunk ack = AckChunk.decodeRanges(r.takeAck(100).get(0).payload());
        assertEquals(0, ack.cumulativeAck());
        assertEquals(List.of(new AckChunk.Range(2, 2), new AckChunk.Range(4, 4)), ack.ranges());
        r.onUserData(new UserDataChunk(Fragment.WHOLE, false, false, 1, 1, 1, null, "a".getBytes()), 0);
        r.onUserData(new UserDataChunk(Fragment.WHOLE, false, false, 1, 3, 3, null, "c".getBytes()), 0);
        List<String> got = r.takeEvents().stream()
                .map(e -> new String(((FlowEvent.MessageReceived) e).message())).toList();
        assertEquals(List.of("a", "b", "c", "d"), got);
        assertEquals(4, r.cumulativeAck());
    }
}
