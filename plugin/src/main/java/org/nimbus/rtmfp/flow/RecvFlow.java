package org.nimbus.rtmfp.flow;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.nimbus.rtmfp.packet.Chunk;

/**
 * The receiving side of one flow, RFC 7016 §3.6.3. User Data chunks go in
 * ({@link #onUserData}); whole messages come out as events, in sequence order, or as soon as
 * each is complete when the flow is unordered; acknowledgements come out when the session
 * asks for them ({@link #takeAck}), owed when its {@link AckSchedule} says. The receive buffer is bounded: a fragment that does not
 * fit is dropped unacknowledged, and the free space is advertised in every ack. A flow may also
 * share a {@link ReceiveBudget} with others (its session's, under the endpoint's): then what it
 * holds counts there too, and it advertises and takes no more than the tightest of them allows.
 *
 * <p>Time is passed in (milliseconds); nothing here reads a clock.
 */
public final class RecvFlow {
    /** §3.6.3.4: acknowledge within this long even when no ack is urgent. */
    public static final long DELAYED_ACK_MILLIS = 200;
    public static final long DEFAULT_BUFFER_CAPACITY = 65536;
    /** Flow exception code sent when a message outgrows twice the buffer. */
    public static final long MESSAGE_TOO_LARGE = 2;
    /** Buffered bytes never exceed this multiple of the capacity, whatever the sender does. */
    static final long HARD_LIMIT_FACTOR = 2;
    /** Per-fragment bookkeeping charged against the buffer, so empty fragments cannot pile up. */
    static final int FRAGMENT_OVERHEAD = 64;
    /** Disjoint ranges we track at most; fragments that would open more are dropped. */
    static final int MAX_RANGES = 1024;

    /** OPEN delivers; REJECTED acknowledges but discards (§3.6.3.1); COMPLETE saw everything. */
    public enum State { OPEN, REJECTED, COMPLETE }

    /**
     * What became of a User Data chunk: taken (kept, delivered, or known already), or dropped
     * unacknowledged for lack of room in the flow's own buffer (or its range bookkeeping), in
     * the budget it was given (its session's), or in a budget above that (the endpoint's).
     */
    public enum Intake { TAKEN, OVER_FLOW_BUFFER, OVER_SESSION_BUDGET, OVER_ENDPOINT_BUDGET }

    private record Piece(Fragment fragment, byte[] data) {
    }

    private final long flowId;
    private final byte[] metadata;
    private final long returnAssociation;
    private final SequenceSet received = new SequenceSet();
    private final TreeMap<Long, Piece> buffer = new TreeMap<>();
    private final List<FlowEvent> events = new ArrayList<>();
    /** Shared with the session's other flows; null for a flow bounded by its own buffer only. */
    private final ReceiveBudget budget;

    private long capacity;
    private boolean unordered;
    private boolean paused;
    private State state = State.OPEN;
    private boolean completed;
    private long bufferedBytes;
    private long finalSequence = -1;
    private long exceptionCode = -1;
    /** Let go of by its session: holds nothing, takes nothing. */
    private boolean released;
    /** Holds the right to go past the budget(s) to finish the message in progress. */
    private boolean overdrawing;
    /** The Flow Exception code of a flow rejected for holding a full budget's turn too long. */
    public static final long TURN_LOST = 1;

    private final AckSchedule acks = new AckSchedule();

    public RecvFlow(long flowId, byte[] metadata, OptionalLong returnAssociation, long bufferCapacity) {
        this(flowId, metadata, returnAssociation, bufferCapacity, null);
    }

    /** @param budget shared with other flows (the session's), or null */
    public RecvFlow(long flowId, byte[] metadata, OptionalLong returnAssociation, long bufferCapacity,
                    ReceiveBudget budget) {
        if (flowId < 0 || bufferCapacity < 0) {
            throw new IllegalArgumentException("negative flow ID or capacity");
        }
        this.flowId = flowId;
        this.metadata = metadata == null ? null : metadata.clone();
        this.returnAssociation = returnAssociation.orElse(-1);
        this.capacity = bufferCapacity;
        this.budget = budget;
    }

    /**
     * Opens a receiver for a flow first seen in {@code start} (from {@link FlowStart#of} or
     * {@link FlowStart#peek}); rejects it at once with {@code rejectCode} when it is not
     * acceptable (no metadata, unknown mandatory option).
     */
    public static RecvFlow open(FlowStart start, long bufferCapacity, long rejectCode) {
        return open(start, bufferCapacity, null, rejectCode);
    }

    /** As {@link #open(FlowStart, long, long)}, holding its data under {@code budget} (may be null). */
    public static RecvFlow open(FlowStart start, long bufferCapacity, ReceiveBudget budget, long rejectCode) {
        RecvFlow flow = new RecvFlow(start.flowId(), start.metadata().orElse(null), start.returnAssociation(),
                bufferCapacity, budget);
        if (!start.acceptable()) {
            flow.reject(rejectCode);
        }
        return flow;
    }

    public long flowId() {
        return flowId;
    }

    public Optional<byte[]> metadata() {
        return Optional.ofNullable(metadata).map(byte[]::clone);
    }

    /** The send flow this one answers (§2.3.11.1.2), if the sender named one. */
    public OptionalLong returnAssociation() {
        return returnAssociation < 0 ? OptionalLong.empty() : OptionalLong.of(returnAssociation);
    }

    public State state() {
        return state;
    }

    public boolean isComplete() {
        return completed;
    }

    public long bufferedBytes() {
        return bufferedBytes;
    }

    public long bufferCapacity() {
        return capacity;
    }

    /** Highest sequence number up to which everything was received or abandoned. */
    public long cumulativeAck() {
        return received.cumulative();
    }

    public void setBufferCapacity(long bytes) {
        capacity = Math.max(0, bytes);
        acks.requestNow();
    }

    /** Unordered: deliver each message once complete, regardless of the ones before it. */
    public void setUnordered(boolean unordered) {
        this.unordered = unordered;
        deliver();
        settleOverdraft();
    }

    /**
     * Holds delivery: data accumulates until the buffer is full and the window advertised to
     * the sender becomes zero (it will then probe). Resuming delivers what is held.
     */
    public void setPaused(boolean paused) {
        boolean resumed = this.paused && !paused;
        this.paused = paused;
        if (resumed) {
            deliver();
            checkComplete();
            settleOverdraft();
            acks.requestNow();
        }
    }

    public List<FlowEvent> takeEvents() {
        List<FlowEvent> out = List.copyOf(events);
        events.clear();
        return out;
    }

    /**
     * Rejects the flow (§3.6.3.1): buffered data is dropped, and every ack from now on is
     * preceded by a Flow Exception Report with {@code code}. Arriving data is still
     * acknowledged so the sender can finish.
     */
    public void reject(long code) {
        if (state == State.REJECTED) {
            return;
        }
        state = State.REJECTED;
        exceptionCode = code;
        discardAll();
        acks.requestNow();
    }

    /**
     * This flow held the right to go past a full budget for {@link ReceiveBudget#TURN_MILLIS}
     * without finishing its message, and another flow needs it: the flow is rejected (§3.6.3.1),
     * which drops what it holds, so the budget is back within one overdrawer.
     */
    void loseTurn() {
        overdrawing = false;
        budget.endOverdraw(this); // its turn in its own session's budget too
        reject(TURN_LOST);
    }

    /**
     * Lets go of the flow: whatever it holds is discarded and given back to its budget, and it
     * takes nothing more. The session calls this when it forgets the flow (the flow finished, or
     * the session is closing).
     */
    public void release() {
        released = true;
        discardAll();
    }

    private void discardAll() {
        buffer.clear();
        free(bufferedBytes);
        settleOverdraft();
    }

    private void hold(long bytes) {
        bufferedBytes += bytes;
        if (budget != null) {
            budget.charge(bytes);
        }
    }

    private void free(long bytes) {
        bufferedBytes -= bytes;
        if (budget != null) {
            budget.release(bytes);
        }
    }

    /** A Buffer Probe (§3.6.2.3.2) asks for an ack with the current window. */
    public void onBufferProbe() {
        acks.requestNow();
    }

    /**
     * Applies one User Data or Next User Data chunk of this flow (§3.6.3.2). A fresh fragment
     * that fits neither the flow's buffer nor its budgets is dropped without being acknowledged
     * (the sender retransmits it), and an ack repeating the window is requested.
     */
    public Intake onUserData(UserDataChunk chunk, long now) {
        if (chunk.flowId() != flowId) {
            throw new IllegalArgumentException("chunk for flow " + chunk.flowId() + " given to flow " + flowId);
        }
        long seq = chunk.sequenceNumber();
        long fsn = chunk.forwardSequenceNumber();
        boolean fresh = !received.contains(seq);
        // §3.6.3.2: acknowledge at once whatever the sender needs to hear quickly
        boolean urgent = acks.windowWasClosed() || chunk.abandon() || received.rangeCount() != 1 || !fresh;
        boolean keep = fresh && !chunk.abandon() && state == State.OPEN && !released;
        if (keep && bufferedBytes + chunk.dataLength() + FRAGMENT_OVERHEAD > HARD_LIMIT_FACTOR * capacity) {
            // Only an endless or oversized message gets here (in-order fragments may pass the
            // window, see admit): refuse the flow rather than buffer without bound.
            reject(MESSAGE_TOO_LARGE);
            keep = false;
        }
        if (fresh) {
            Intake intake = admit(seq, fsn, keep ? chunk : null, now);
            if (intake != Intake.TAKEN) {
                acks.request(true, now); // dropped: tell the sender our window again
                return intake;
            }
        }
        if (fresh && chunk.fin() && finalSequence < 0) {
            finalSequence = seq;
            urgent = true;
        }
        int rangesBefore = received.rangeCount();
        if (fsn > 0) {
            received.add(0, fsn);
        }
        received.add(seq);
        if (received.rangeCount() != rangesBefore) {
            urgent = true;
        }
        if (keep) {
            buffer.put(seq, new Piece(chunk.fragment(), chunk.dataUnsafe()));
            hold(chunk.dataLength() + FRAGMENT_OVERHEAD);
            if (unordered && !paused) {
                deliverAround(seq);
            }
        }
        deliver();
        checkComplete();
        settleOverdraft();
        acks.request(urgent || state != State.OPEN, now);
        return Intake.TAKEN;
    }

    /**
     * Whether a fresh fragment may be taken ({@code chunk} null: nothing of it would be kept).
     * Data beyond the buffer or a budget is dropped, except at the next expected sequence number,
     * where reassembly must always be able to progress: a fragment there is taken when it lets
     * a message out at once (it then holds nothing), or, when it only continues a message, past
     * the buffer (up to the hard limit) and past the budgets by one flow at a time per budget.
     * Out-of-order data never goes past anything.
     */
    private Intake admit(long seq, long fsn, UserDataChunk chunk, long now) {
        long cumulativeAfter = Math.max(received.cumulative(), fsn);
        if (seq > cumulativeAfter + 1 && !received.wouldMerge(seq) && received.rangeCount() >= MAX_RANGES) {
            return Intake.OVER_FLOW_BUFFER;
        }
        if (chunk == null) {
            return Intake.TAKEN;
        }
        long cost = chunk.dataLength() + FRAGMENT_OVERHEAD;
        boolean nextInOrder = seq == cumulativeAfter + 1 && !paused;
        if (!nextInOrder && bufferedBytes + cost > capacity) {
            return Intake.OVER_FLOW_BUFFER;
        }
        ReceiveBudget tight = budget == null ? null : budget.shortOf(cost);
        if (tight == null) {
            return Intake.TAKEN;
        }
        if (nextInOrder) {
            if (passesStraightThrough(seq, chunk.fragment())) {
                return Intake.TAKEN;
            }
            if (budget.mayOverdraw(this, cost, now)) {
                budget.overdraw(this, cost, now);
                overdrawing = true;
                return Intake.TAKEN;
            }
        }
        return tight == budget ? Intake.OVER_SESSION_BUDGET : Intake.OVER_ENDPOINT_BUDGET;
    }

    /**
     * Whether a fragment at the next expected sequence number would leave the buffer in the
     * same step it arrives: it completes its message (with pieces already held before and after
     * it), or its message is broken by an abandoned piece and is discarded. Otherwise it would
     * wait in the buffer for pieces still to come.
     */
    private boolean passesStraightThrough(long seq, Fragment fragment) {
        Fragment f = fragment;
        for (long s = seq; !f.starts(); s--) {
            Piece before = buffer.get(s - 1);
            if (before == null || before.fragment.ends()) {
                return true; // its beginning was abandoned: discarded at once
            }
            f = before.fragment;
        }
        if (fragment.ends()) {
            return true;
        }
        for (long s = seq + 1; ; s++) {
            Piece after = buffer.get(s);
            if (after == null) {
                return received.contains(s); // abandoned: discarded; else the message still arrives
            }
            if (after.fragment.starts() || after.fragment.ends()) {
                return true; // broken (discarded) or whole (delivered)
            }
        }
    }

    /** Gives up the right to overdraw once the message it was for is out (or the flow is let go). */
    private void settleOverdraft() {
        if (overdrawing && (buffer.isEmpty() || buffer.firstKey() > received.cumulative())) {
            overdrawing = false;
            budget.endOverdraw(this);
        }
    }

    /** In unordered mode, delivers the message that {@code seq} belongs to if it is now whole. */
    private void deliverAround(long seq) {
        long start = seq;
        Piece p = buffer.get(start);
        while (!p.fragment.starts()) {
            Piece before = buffer.get(start - 1);
            if (before == null || before.fragment.ends()) {
                return;
            }
            start--;
            p = before;
        }
        long end = seq;
        p = buffer.get(end);
        while (!p.fragment.ends()) {
            Piece after = buffer.get(end + 1);
            if (after == null || after.fragment.starts()) {
                return;
            }
            end++;
            p = after;
        }
        emit(start, end);
    }

    /**
     * Delivers, in sequence order, whole messages up to the cumulative ack, and discards
     * fragments that can never form a message because a piece was abandoned (§3.6.3.3).
     */
    private void deliver() {
        if (paused || state != State.OPEN) {
            return;
        }
        long cumulative = received.cumulative();
        outer:
        while (!buffer.isEmpty()) {
            Map.Entry<Long, Piece> head = buffer.firstEntry();
            long start = head.getKey();
            if (start > cumulative) {
                return;
            }
            if (!head.getValue().fragment.starts()) {
                drop(start, start); // its beginning was abandoned or already gone
                continue;
            }
            long end = start;
            Piece p = head.getValue();
            while (!p.fragment.ends()) {
                Piece after = buffer.get(end + 1);
                if (after == null) {
                    if (end + 1 <= cumulative) {
                        drop(start, end); // a middle piece was abandoned
                        continue outer;
                    }
                    return; // still arriving
                }
                if (after.fragment.starts()) {
                    drop(start, end);
                    continue outer;
                }
                end++;
                p = after;
            }
            emit(start, end);
        }
    }

    private void drop(long from, long to) {
        for (long s = from; s <= to; s++) {
            Piece p = buffer.remove(s);
            if (p != null) {
                free(p.data.length + FRAGMENT_OVERHEAD);
            }
        }
    }

    private void emit(long from, long to) {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        for (long s = from; s <= to; s++) {
            Piece p = buffer.remove(s);
            free(p.data.length + FRAGMENT_OVERHEAD);
            message.writeBytes(p.data);
        }
        if (acks.windowWasClosed()) {
            acks.requestNow(); // the window reopens: say so at once
        }
        events.add(new FlowEvent.MessageReceived(flowId, from, message.toByteArray()));
    }

    /** §3.6.3.5: complete when the final fragment and all before it are in and delivered. */
    private void checkComplete() {
        if (completed || finalSequence < 0 || received.cumulative() < finalSequence) {
            return;
        }
        if (state == State.OPEN && !buffer.isEmpty()) {
            return;
        }
        completed = true;
        if (state == State.OPEN) {
            state = State.COMPLETE;
        }
        events.add(new FlowEvent.RecvFlowComplete(flowId));
        acks.requestNow();
    }

    /**
     * Makes an owed acknowledgement urgent: the session calls this on every second packet
     * carrying user data (RFC 7016 §3.6.3.4.4). Nothing happens when no ack is owed.
     */
    public void ackNow() {
        acks.hurry();
    }

    /**
     * Announces a reopened window: when the last ack advertised (almost) no room and there is
     * room now, because other flows under the same budget let data out, an ack is owed at once,
     * so the sender need not wait for a probe or a retransmission to learn of it.
     */
    public void refreshWindow() {
        if (state == State.OPEN && !released && acks.windowWasClosed() && bufferBlocksAvailable() >= 2) {
            acks.requestNow();
        }
    }

    /** True when an acknowledgement is owed. */
    public boolean isAckPending() {
        return acks.pending();
    }

    /** True when the owed ack should go in the very next packet (§3.6.3.2). */
    public boolean isAckUrgent() {
        return acks.urgent();
    }

    /** When the owed ack must be sent at the latest; {@code Long.MAX_VALUE} if none is owed. */
    public long ackDeadline() {
        return acks.deadline();
    }

    /**
     * Free buffer in 1024-byte blocks, as advertised in acks (§2.3.13): the tightest of the
     * flow's own free buffer and its budgets' (§3.6.3.5). Rounded down, so a sender that fills
     * the advertised space is never dropped for it, unless other flows under the same budget
     * fill it first.
     */
    public long bufferBlocksAvailable() {
        long free = capacity - bufferedBytes;
        if (budget != null) {
            free = Math.min(free, budget.available());
        }
        long blocks = Math.max(0, free) / AckChunk.BLOCK_SIZE;
        if (paused || capacity == 0) {
            return blocks;
        }
        // Never advertise zero while we deliver: a buffer full of a partial message must still
        // let the next in-order fragment in.
        return Math.max(1, blocks);
    }

    /** The acknowledgement as it stands, without consuming the pending state. */
    public AckChunk currentAck() {
        return new AckChunk(flowId, bufferBlocksAvailable(), received.cumulative(), received.rangesAboveCumulative());
    }

    /**
     * The acknowledgement chunks for this flow in at most {@code budget} bytes: a Flow
     * Exception Report first when rejected, then an ack with ranges (0x51, never the bitmap,
     * docs/interop.md), leaving out the highest ranges if they do not fit. Clears the pending
     * state. Empty when not even the ack header fits.
     */
    public List<FlowChunk> takeAck(int budget) {
        List<FlowChunk> out = new ArrayList<>(2);
        int remaining = budget;
        if (state == State.REJECTED) {
            FlowChunk exception = new FlowExceptionChunk(flowId, exceptionCode).toChunk();
            if (exception.size() > remaining) {
                return out;
            }
            out.add(exception);
            remaining -= exception.size();
        }
        AckChunk ack = currentAck();
        byte[] payload = ack.encodeRanges(Math.min(0xffff, remaining - Chunk.HEADER_SIZE));
        if (payload == null) {
            return List.of();
        }
        out.add(new FlowChunk(Chunk.ACK_RANGES, payload));
        acks.sent(ack.bufferBlocksAvailable());
        return out;
    }
}
