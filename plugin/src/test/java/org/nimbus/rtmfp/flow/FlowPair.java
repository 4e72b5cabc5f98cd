package org.nimbus.rtmfp.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Random;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.MalformedException;

/**
 * A SendFlow and a RecvFlow joined by two simulated links, every chunk going through its wire
 * encoding. The links lose, reorder and duplicate packets from a seeded Random; the clock is a
 * plain counter. Plays the session's part: fills packets, delivers acks, fires timers.
 */
final class FlowPair {
    static final byte[] METADATA = {0x54, 0x43, 0x04, 0x00};
    static final int PACKET_BUDGET = 1200;

    /** One direction of the network. */
    static final class Link {
        private record InTransit(long at, long order, List<FlowChunk> packet) {
        }

        private final Random random;
        double loss;
        double reorder;
        double duplicate;
        long delay = 20;
        boolean down;
        long sent;
        long dropped;
        private long order;
        private final PriorityQueue<InTransit> queue = new PriorityQueue<>((a, b) ->
                a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));

        Link(Random random) {
            this.random = random;
        }

        void send(List<FlowChunk> packet, long now) {
            sent++;
            if (down || random.nextDouble() < loss) {
                dropped++;
                return;
            }
            int copies = random.nextDouble() < duplicate ? 2 : 1;
            for (int i = 0; i < copies; i++) {
                long extra = random.nextDouble() < reorder ? 1 + random.nextInt(60) : 0;
                queue.add(new InTransit(now + delay + extra, order++, packet));
            }
        }

        List<List<FlowChunk>> due(long now) {
            List<List<FlowChunk>> out = new ArrayList<>();
            while (!queue.isEmpty() && queue.peek().at <= now) {
                out.add(queue.poll().packet);
            }
            return out;
        }
    }

    final CongestionControl cc = new CongestionControl();
    final SendFlow sender;
    final RecvFlow receiver;
    final Link forward;
    final Link back;
    final List<FlowEvent> senderEvents = new ArrayList<>();
    final List<FlowEvent> receiverEvents = new ArrayList<>();
    final List<byte[]> messages = new ArrayList<>();
    final List<FlowChunk> sentChunks = new ArrayList<>();
    long now;
    int packetsSinceAck;
    int maxPacketsPerTick = 64;

    FlowPair(long seed, long receiveBuffer) {
        Random random = new Random(seed);
        forward = new Link(random);
        back = new Link(random);
        sender = new SendFlow(5, METADATA, OptionalLong.of(2), cc);
        receiver = new RecvFlow(5, METADATA, OptionalLong.of(2), receiveBuffer);
    }

    void impair(double loss, double reorder, double duplicate) {
        for (Link l : List.of(forward, back)) {
            l.loss = loss;
            l.reorder = reorder;
            l.duplicate = duplicate;
        }
    }

    /** One millisecond of simulated time: timers, sending, receiving, acknowledging. */
    void tick() throws MalformedException {
        now++;
        cc.onTimer(now);
        for (int i = 0; i < maxPacketsPerTick; i++) {
            List<FlowChunk> packet = sender.assemble(PACKET_BUDGET, now);
            if (packet.isEmpty()) {
                break;
            }
            sentChunks.addAll(packet);
            forward.send(packet, now);
        }
        for (List<FlowChunk> packet : forward.due(now)) {
            UserDataChunk previous = null;
            boolean data = false;
            for (FlowChunk c : packet) {
                switch (c.type()) {
                    case Chunk.USER_DATA, Chunk.NEXT_USER_DATA -> {
                        UserDataChunk u = UserDataChunk.decode(c.type(), c.payload(), previous);
                        receiver.onUserData(u, now);
                        previous = u;
                        data = true;
                    }
                    case Chunk.BUFFER_PROBE -> receiver.onBufferProbe();
                    default -> throw new AssertionError("unexpected chunk " + c);
                }
            }
            if (data) {
                packetsSinceAck++;
            }
        }
        // §3.6.3.4: ack urgent ones at once, otherwise every second data packet or after 200 ms
        if (receiver.isAckPending()
                && (receiver.isAckUrgent() || packetsSinceAck >= 2 || now >= receiver.ackDeadline())) {
            back.send(receiver.takeAck(PACKET_BUDGET), now);
            packetsSinceAck = 0;
        }
        for (List<FlowChunk> packet : back.due(now)) {
            for (FlowChunk c : packet) {
                switch (c.type()) {
                    case Chunk.ACK_RANGES, Chunk.ACK_BITMAP -> sender.onAck(AckChunk.decode(c.type(), c.payload()), now);
                    case Chunk.FLOW_EXCEPTION -> sender.onException(FlowExceptionChunk.decode(c.payload()).exceptionCode());
                    default -> throw new AssertionError("unexpected chunk " + c);
                }
            }
        }
        for (FlowEvent e : receiver.takeEvents()) {
            receiverEvents.add(e);
            if (e instanceof FlowEvent.MessageReceived m) {
                messages.add(m.message());
            }
        }
        senderEvents.addAll(sender.takeEvents());
    }

    /** Ticks until the condition holds; fails after {@code limitMillis} of simulated time. */
    void runUntil(java.util.function.BooleanSupplier done, long limitMillis) throws MalformedException {
        long end = now + limitMillis;
        while (!done.getAsBoolean()) {
            if (now >= end) {
                throw new AssertionError("not done after " + limitMillis + " ms: received " + messages.size()
                        + " messages, sender " + sender.state() + " buffered " + sender.bufferedBytes()
                        + " cwnd " + cc.cwnd() + " erto " + cc.erto());
            }
            tick();
        }
    }

    long chunkCount(int type) {
        return sentChunks.stream().filter(c -> c.type() == type).count();
    }
}
