package org.nimbus.rtmfp.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.MalformedException;

/**
 * Receive flows under shared budgets (a session's, under the endpoint's), on in-memory chunks and
 * a counter for a clock: out-of-order data never goes past a budget, acks advertise the tightest
 * room, in-sequence data keeps every transfer moving, and every byte comes back.
 */
class ReceiveBudgetTest {
    private static final byte[] META = {0x54, 0x43, 0x04, 0x00};
    /** Data of a fragment that costs exactly one 1024-byte block with the per-fragment overhead. */
    private static final int BLOCK_DATA = AckChunk.BLOCK_SIZE - RecvFlow.FRAGMENT_OVERHEAD;
    private static final long REJECT_CODE = 1;

    private static UserDataChunk fragment(long flowId, long seq, Fragment f, int size) {
        return new UserDataChunk(f, false, false, flowId, seq, seq, null, new byte[size]);
    }

    private static boolean acknowledges(AckChunk ack, long seq) {
        return seq <= ack.cumulativeAck() || ack.ranges().stream().anyMatch(r -> r.from() <= seq && seq <= r.to());
    }

    private static int messagesIn(RecvFlow flow) {
        return (int) flow.takeEvents().stream().filter(e -> e instanceof FlowEvent.MessageReceived).count();
    }

    @Test
    void outOfOrderFragmentsOnManyFlowsStayWithinTheSessionAndEndpointBudgets() {
        ReceiveBudget endpoint = new ReceiveBudget(100_000);
        List<ReceiveBudget> sessions = new ArrayList<>();
        List<List<RecvFlow>> flows = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            ReceiveBudget session = endpoint.child(64 * 1024);
            sessions.add(session);
            List<RecvFlow> mine = new ArrayList<>();
            for (int f = 1; f <= 16; f++) {
                mine.add(new RecvFlow(f, META, OptionalLong.empty(), 32 * 1024, session));
            }
            flows.add(mine);
        }
        Map<RecvFlow.Intake, Integer> intakes = new EnumMap<>(RecvFlow.Intake.class);
        // Never sequence number 1: every fragment waits for a gap that the client never fills.
        // The first session fills its own budget, the second what is left of the endpoint's.
        for (int s = 0; s < sessions.size(); s++) {
            for (long seq = 2; seq < 100; seq++) {
                for (RecvFlow flow : flows.get(s)) {
                    RecvFlow.Intake intake = flow.onUserData(fragment(flow.flowId(), seq, Fragment.MIDDLE, 1000), seq);
                    intakes.merge(intake, 1, Integer::sum);
                    assertTrue(sessions.get(s).used() <= sessions.get(s).limit(), "session " + s + ": " + sessions.get(s));
                    assertTrue(endpoint.used() <= endpoint.limit(), endpoint.toString());
                    assertEquals(intake == RecvFlow.Intake.TAKEN, acknowledges(flow.currentAck(), seq),
                            "only what was taken is acknowledged: " + intake + " seq " + seq);
                    long room = Math.min(flow.bufferCapacity() - flow.bufferedBytes(), sessions.get(s).available());
                    assertEquals(Math.max(1, Math.min(room, endpoint.available()) / AckChunk.BLOCK_SIZE),
                            flow.bufferBlocksAvailable(), "advertised window is the tightest room");
                }
            }
        }
        assertTrue(intakes.getOrDefault(RecvFlow.Intake.OVER_SESSION_BUDGET, 0) > 0, intakes.toString());
        assertTrue(intakes.getOrDefault(RecvFlow.Intake.OVER_ENDPOINT_BUDGET, 0) > 0, intakes.toString());
        assertTrue(endpoint.used() > endpoint.limit() - 2 * 1064, "the budget was used, not just refused: " + endpoint);
        long sum = 0;
        for (List<RecvFlow> mine : flows) {
            for (RecvFlow f : mine) {
                sum += f.bufferedBytes();
            }
        }
        assertEquals(sum, endpoint.used(), "exact accounting: the endpoint holds what the flows hold");

        for (List<RecvFlow> mine : flows) {
            mine.forEach(RecvFlow::release);
        }
        assertEquals(0, endpoint.used());
        for (ReceiveBudget s : sessions) {
            assertEquals(0, s.used());
        }
    }

    @Test
    void acksAdvertiseTheTightestOfFlowSessionAndEndpoint() {
        ReceiveBudget endpoint = new ReceiveBudget(40 * 1024);
        ReceiveBudget session = endpoint.child(30 * 1024);
        RecvFlow small = new RecvFlow(1, META, OptionalLong.empty(), 20 * 1024, session);
        RecvFlow large = new RecvFlow(2, META, OptionalLong.empty(), 64 * 1024, session);
        assertEquals(20, small.currentAck().bufferBlocksAvailable(), "the flow's own buffer");
        assertEquals(30, large.currentAck().bufferBlocksAvailable(), "the session's budget");

        RecvFlow elsewhere = new RecvFlow(3, META, OptionalLong.empty(), 30 * 1024, endpoint.child(30 * 1024));
        for (long seq = 2; seq < 22; seq++) {
            assertEquals(RecvFlow.Intake.TAKEN, elsewhere.onUserData(fragment(3, seq, Fragment.MIDDLE, BLOCK_DATA), 0));
        }
        assertEquals(20, large.currentAck().bufferBlocksAvailable(), "another session took half the endpoint's");
        for (long seq = 2; seq < 7; seq++) {
            large.onUserData(fragment(2, seq, Fragment.MIDDLE, BLOCK_DATA), 0);
        }
        assertEquals(15, large.currentAck().bufferBlocksAvailable());
        assertEquals(15, small.currentAck().bufferBlocksAvailable(), "the endpoint's room is every flow's limit");

        elsewhere.release();
        assertEquals(20, small.currentAck().bufferBlocksAvailable());
        assertEquals(25, large.currentAck().bufferBlocksAvailable());
        small.release();
        large.release();
        assertEquals(0, endpoint.used());
    }

    @Test
    void aFullBudgetStillTakesWhatCanBeDeliveredAtOnceAndLetsOneFlowFinishItsMessage() {
        ReceiveBudget endpoint = new ReceiveBudget(1 << 20);
        ReceiveBudget session = endpoint.child(8 * 1024);
        RecvFlow junk = new RecvFlow(1, META, OptionalLong.empty(), 16 * 1024, session);
        for (long seq = 2; seq < 10; seq++) {
            junk.onUserData(fragment(1, seq, Fragment.MIDDLE, BLOCK_DATA), 0);
        }
        assertEquals(8 * 1024, session.used());
        assertEquals(RecvFlow.Intake.OVER_SESSION_BUDGET, junk.onUserData(fragment(1, 10, Fragment.MIDDLE, 10), 0),
                "out-of-order data never goes past the budget");

        RecvFlow a = new RecvFlow(2, META, OptionalLong.empty(), 8 * 1024, session);
        RecvFlow b = new RecvFlow(3, META, OptionalLong.empty(), 8 * 1024, session);
        assertEquals(1, a.currentAck().bufferBlocksAvailable(), "a window never closes on a flow that delivers");
        assertEquals(RecvFlow.Intake.TAKEN, a.onUserData(fragment(2, 1, Fragment.WHOLE, 500), 0),
                "a whole message in sequence goes straight through");
        assertEquals(1, messagesIn(a));
        assertEquals(8 * 1024, session.used(), "and holds nothing");

        // a message in progress: one flow at a time may finish it past the budget
        assertEquals(RecvFlow.Intake.TAKEN, a.onUserData(fragment(2, 2, Fragment.BEGIN, 1000), 0));
        assertEquals(RecvFlow.Intake.TAKEN, a.onUserData(fragment(2, 3, Fragment.MIDDLE, 1000), 0));
        assertEquals(RecvFlow.Intake.OVER_SESSION_BUDGET, b.onUserData(fragment(3, 1, Fragment.BEGIN, 1000), 0),
                "a second flow waits for the first to finish");
        assertFalse(acknowledges(b.currentAck(), 1), "and is not acknowledged");
        assertEquals(RecvFlow.Intake.TAKEN, a.onUserData(fragment(2, 4, Fragment.END, 1000), 0));
        assertEquals(1, messagesIn(a));
        assertEquals(8 * 1024, session.used());
        assertEquals(RecvFlow.Intake.TAKEN, b.onUserData(fragment(3, 1, Fragment.BEGIN, 1000), 0),
                "the retransmission gets in once the first message is out");
        assertEquals(RecvFlow.Intake.TAKEN, b.onUserData(fragment(3, 2, Fragment.END, 1000), 0));
        assertEquals(1, messagesIn(b));

        // the fragment that fills a gap is taken when it releases what waits behind it
        for (long seq = 12; seq < 20; seq++) {
            assertEquals(RecvFlow.Intake.OVER_SESSION_BUDGET, b.onUserData(fragment(3, seq, Fragment.MIDDLE, 100), 0));
        }
        junk.release();
        assertEquals(RecvFlow.Intake.TAKEN, b.onUserData(fragment(3, 4, Fragment.MIDDLE, BLOCK_DATA), 0));
        assertEquals(RecvFlow.Intake.TAKEN, b.onUserData(fragment(3, 5, Fragment.END, BLOCK_DATA), 0));
        RecvFlow filler = new RecvFlow(4, META, OptionalLong.empty(), 8 * 1024, session);
        for (long seq = 2; seq < 8; seq++) {
            assertEquals(RecvFlow.Intake.TAKEN, filler.onUserData(fragment(4, seq, Fragment.MIDDLE, BLOCK_DATA), 0));
        }
        assertEquals(8 * 1024, session.used(), "full again");
        assertEquals(RecvFlow.Intake.TAKEN, b.onUserData(fragment(3, 3, Fragment.BEGIN, 1000), 0),
                "the missing beginning completes a held message");
        assertEquals(1, messagesIn(b));
        assertEquals(6 * 1024, session.used());

        b.release();
        a.release();
        filler.release();
        assertEquals(0, endpoint.used());
    }

    @Test
    void rejectingOrReleasingAFlowGivesBackItsBytesAndItsTurnToOverdraw() {
        ReceiveBudget endpoint = new ReceiveBudget(1 << 20);
        ReceiveBudget session = endpoint.child(4 * 1024);
        RecvFlow a = new RecvFlow(1, META, OptionalLong.empty(), 4 * 1024, session);
        RecvFlow b = new RecvFlow(2, META, OptionalLong.empty(), 4 * 1024, session);
        for (long seq = 1; seq <= 6; seq++) {
            assertEquals(RecvFlow.Intake.TAKEN, a.onUserData(fragment(1, seq, seq == 1 ? Fragment.BEGIN : Fragment.MIDDLE, BLOCK_DATA), 0));
        }
        assertEquals(6 * 1024, session.used(), "past the budget, by the one flow finishing a message");
        assertEquals(RecvFlow.Intake.OVER_SESSION_BUDGET, b.onUserData(fragment(2, 1, Fragment.BEGIN, 100), 0));
        a.reject(REJECT_CODE);
        assertEquals(0, session.used());
        assertEquals(0, endpoint.used());
        assertEquals(RecvFlow.Intake.TAKEN, a.onUserData(fragment(1, 7, Fragment.MIDDLE, BLOCK_DATA), 0),
                "a rejected flow acknowledges but keeps nothing");
        assertEquals(0, session.used());
        for (long seq = 1; seq <= 6; seq++) {
            assertEquals(RecvFlow.Intake.TAKEN, b.onUserData(fragment(2, seq, seq == 1 ? Fragment.BEGIN : Fragment.MIDDLE, BLOCK_DATA), 0),
                    "the turn to overdraw passed on");
        }
        b.release();
        assertEquals(0, endpoint.used());
        assertEquals(RecvFlow.Intake.TAKEN, b.onUserData(fragment(2, 7, Fragment.MIDDLE, BLOCK_DATA), 0));
        assertEquals(0, endpoint.used(), "a released flow holds nothing more");
    }

    @Test
    void aFlowThatHoldsTheTurnWithoutFinishingLosesItAndIsRejectedWhenAnotherNeedsIt() {
        ReceiveBudget endpoint = new ReceiveBudget(4 * 1024);
        ReceiveBudget s1 = endpoint.child(4 * 1024);
        ReceiveBudget s2 = endpoint.child(4 * 1024);
        RecvFlow hog = new RecvFlow(1, META, OptionalLong.empty(), 4 * 1024, s1);
        RecvFlow other = new RecvFlow(2, META, OptionalLong.empty(), 4 * 1024, s1);
        RecvFlow honest = new RecvFlow(1, META, OptionalLong.empty(), 4 * 1024, s2);
        // The hog starts a message it never ends, past both budgets (the one overdrawer).
        for (long seq = 1; seq <= 6; seq++) {
            assertEquals(RecvFlow.Intake.TAKEN, hog.onUserData(fragment(1, seq, seq == 1 ? Fragment.BEGIN : Fragment.MIDDLE, BLOCK_DATA), 0));
        }
        assertEquals(6 * 1024, endpoint.used());
        long almost = ReceiveBudget.TURN_MILLIS - 1;
        assertEquals(RecvFlow.Intake.OVER_ENDPOINT_BUDGET, honest.onUserData(fragment(1, 1, Fragment.BEGIN, 1000), almost),
                "while the turn is young, others wait");
        assertEquals(RecvFlow.Intake.TAKEN, hog.onUserData(fragment(1, 7, Fragment.MIDDLE, BLOCK_DATA), almost),
                "holding the turn longer is no reason to refuse the holder");

        // Its time is up: the next flow that needs the turn gets it, and the hog is rejected.
        long late = ReceiveBudget.TURN_MILLIS + 5;
        assertEquals(RecvFlow.Intake.TAKEN, honest.onUserData(fragment(1, 1, Fragment.BEGIN, 1000), late));
        assertEquals(RecvFlow.State.REJECTED, hog.state());
        assertEquals(0, s1.used(), "the hog's bytes are back");
        assertEquals(1, endpoint.revokedTurns());
        assertTrue(hog.takeAck(1000).stream().anyMatch(c -> c.type() == 0x5e),
                "the hog is told with a Flow Exception Report (§2.3.15)");
        assertEquals(RecvFlow.Intake.TAKEN, honest.onUserData(fragment(1, 2, Fragment.MIDDLE, 1000), late));
        assertEquals(RecvFlow.Intake.TAKEN, honest.onUserData(fragment(1, 3, Fragment.END, 1000), late));
        assertEquals(1, messagesIn(honest), "the honest message is out");
        // The hog's turn in its own session's budget went with it: its session's other flows may overdraw.
        for (long seq = 1; seq <= 5; seq++) {
            assertEquals(RecvFlow.Intake.TAKEN, other.onUserData(fragment(2, seq, seq == 1 ? Fragment.BEGIN : Fragment.MIDDLE, BLOCK_DATA), late + 1));
        }
        other.release();
        honest.release();
        hog.release();
        assertEquals(0, endpoint.used());
    }

    /**
     * Conforming senders (SendFlow) on two sessions of two flows each push 1.2 MB of messages
     * larger than any budget through a lossy, reordering network: every message arrives whole and
     * in order, and the budgets are exceeded only by the one overdrawing flow's in-order data.
     */
    @Test
    void conformingTransfersOfAMegabyteCompleteUnderBudgetsSmallerThanOneMessage() throws MalformedException {
        int flowBuffer = 8 * 1024;
        ReceiveBudget endpoint = new ReceiveBudget(12 * 1024);
        List<ReceiveBudget> sessions = List.of(endpoint.child(flowBuffer), endpoint.child(flowBuffer));
        Random random = new Random(7016);
        FlowPair.Link forward = new FlowPair.Link(random);
        FlowPair.Link back = new FlowPair.Link(random);
        for (FlowPair.Link l : List.of(forward, back)) {
            l.loss = 0.03;
            l.reorder = 0.05;
            l.duplicate = 0.02;
        }
        Map<Long, SendFlow> senders = new LinkedHashMap<>();
        Map<Long, RecvFlow> receivers = new LinkedHashMap<>();
        Map<Long, ReceiveBudget> sessionOf = new LinkedHashMap<>();
        Map<Long, List<byte[]>> sent = new LinkedHashMap<>();
        Map<Long, List<byte[]>> received = new LinkedHashMap<>();
        List<CongestionControl> congestion = List.of(new CongestionControl(), new CongestionControl());
        long total = 0;
        for (long id = 1; id <= 4; id++) {
            int s = (int) ((id - 1) / 2);
            senders.put(id, new SendFlow(id, META, OptionalLong.empty(), congestion.get(s)));
            receivers.put(id, new RecvFlow(id, META, OptionalLong.empty(), flowBuffer, sessions.get(s)));
            sessionOf.put(id, sessions.get(s));
            sent.put(id, new ArrayList<>());
            received.put(id, new ArrayList<>());
            for (int m = 0; m < 25; m++) {
                byte[] message = new byte[12_000];
                random.nextBytes(message);
                sent.get(id).add(message);
                senders.get(id).write(message, 0);
                total += message.length;
            }
        }
        assertTrue(total > 1_000_000);
        long overdraft = RecvFlow.HARD_LIMIT_FACTOR * flowBuffer;
        long maxSession = 0;
        long maxEndpoint = 0;
        Map<Long, Integer> dataPackets = new LinkedHashMap<>();
        long now = 0;
        while (received.values().stream().mapToInt(List::size).sum() < 100) {
            now++;
            assertTrue(now < 600_000, "not done after 600 s of simulated time: " + received.values().stream()
                    .map(List::size).toList() + " messages, " + endpoint);
            for (CongestionControl cc : congestion) {
                cc.onTimer(now);
            }
            for (SendFlow sender : senders.values()) {
                for (int i = 0; i < 16; i++) {
                    List<FlowChunk> packet = sender.assemble(FlowPair.PACKET_BUDGET, now);
                    if (packet.isEmpty()) {
                        break;
                    }
                    forward.send(packet, now);
                }
            }
            for (List<FlowChunk> packet : forward.due(now)) {
                UserDataChunk previous = null;
                for (FlowChunk c : packet) {
                    if (c.type() == Chunk.BUFFER_PROBE) {
                        receivers.get(BufferProbeChunk.decode(c.payload()).flowId()).onBufferProbe();
                        continue;
                    }
                    UserDataChunk u = UserDataChunk.decode(c.type(), c.payload(), previous);
                    previous = u;
                    receivers.get(u.flowId()).onUserData(u, now);
                    dataPackets.merge(u.flowId(), 1, Integer::sum);
                }
                for (ReceiveBudget s : sessions) {
                    maxSession = Math.max(maxSession, s.used());
                }
                maxEndpoint = Math.max(maxEndpoint, endpoint.used());
            }
            for (Map.Entry<Long, RecvFlow> e : receivers.entrySet()) {
                RecvFlow r = e.getValue();
                for (FlowEvent ev : r.takeEvents()) {
                    if (ev instanceof FlowEvent.MessageReceived m) {
                        received.get(e.getKey()).add(m.message());
                    }
                }
                r.refreshWindow(); // as the session does when room was freed
                if (r.isAckPending() && (r.isAckUrgent() || dataPackets.getOrDefault(e.getKey(), 0) >= 2
                        || now >= r.ackDeadline())) {
                    back.send(r.takeAck(FlowPair.PACKET_BUDGET), now);
                    dataPackets.put(e.getKey(), 0);
                }
            }
            for (List<FlowChunk> packet : back.due(now)) {
                for (FlowChunk c : packet) {
                    if (c.type() == Chunk.ACK_RANGES) {
                        AckChunk ack = AckChunk.decode(c.type(), c.payload());
                        senders.get(ack.flowId()).onAck(ack, now);
                    } else {
                        throw new AssertionError("unexpected " + c);
                    }
                }
            }
        }
        for (long id = 1; id <= 4; id++) {
            assertEquals(sent.get(id).size(), received.get(id).size());
            for (int m = 0; m < sent.get(id).size(); m++) {
                assertArrayEquals(sent.get(id).get(m), received.get(id).get(m), "flow " + id + " message " + m);
            }
            assertEquals(RecvFlow.State.OPEN, receivers.get(id).state());
        }
        assertTrue(maxSession <= flowBuffer + overdraft, "session held " + maxSession);
        assertTrue(maxEndpoint <= endpoint.limit() + overdraft, "endpoint held " + maxEndpoint);
        assertTrue(maxEndpoint > endpoint.limit(), "messages larger than the budget needed the overdraft: " + maxEndpoint);
        assertEquals(0, endpoint.used(), "everything delivered, nothing held");
        receivers.values().forEach(RecvFlow::release);
        assertEquals(0, endpoint.used());
    }
}
