package org.nimbus.rtmfp.flow;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The receiving side of one flow, RFC 7016 §3.6.3. User Data chunks go in
 * ({@link #onUserData}); whole messages come out as events, in sequence order, or as soon as
 * each is complete when the flow is unordered; acknowledgements come out when the session
 * asks for them ({@link #takeAck}). The receive buffer is bounded: a fragment that does not
 * fit is dropped unacknowledged, and the free space is advertised in every ack.
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

    private record Piece(Fragment fragment, byte[] data) {
    }

    private final long flowId;
    private final byte[] metadata;
    private final long returnAssociation;
    private final SequenceSet received = new SequenceSet();
    private final TreeMap<Long, Piece> buffer = new TreeMap<>();
    private final List<FlowEvent> events = new ArrayList<>();

    private long capacity;
    private boolean unordered;
    private boolean paused;
    private State state = State.OPEN;
    private boolean completed;
    private long bufferedBytes;
    private long finalSequence = -1;
    private long exceptionCode = -1;

    private boolean ackPending;
    private boolean ackUrgent;
    private long ackDueAt = Long.MAX_VALUE;
    /** Blocks advertised in our last ack; starts low so the first data is acknowledged at once. */
    private long advertisedBlocks;

    public RecvFlow(long flowId, byte[] metadata, OptionalLong returnAssociation, long bufferCapacity) {
        if (flowId < 0 || bufferCapacity < 0) {
            throw new IllegalArgumentException("negative flow ID or capacity");
        }
        this.flowId = flowId;
        this.metadata = metadata == null ? null : metadata.clone();
        this.returnAssociation = returnAssociation.orElse(-1);
        this.capacity = bufferCapacity;
    }

    /**
     * Opens a receiver for a flow first seen in {@code start} (from {@link FlowStart#of} or
     * {@link FlowStart#peek}); rejects it at once with {@code rejectCode} when it is not
     * acceptable (no metadata, unknown mandatory option).
     */
    public static RecvFlow open(FlowStart start, long bufferCapacity, long rejectCode) {
        RecvFlow flow = new RecvFlow(start.flowId(), start.metadata().orElse(null), start.returnAssociation(),
                bufferCapacity);
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
        requestAck(true, Long.MIN_VALUE);
    }

    /** Unordered: deliver each message once complete, regardless of the ones before it. */
    public void setUnordered(boolean unordered) {
        this.unordered = unordered;
        deliver();
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
            requestAck(true, Long.MIN_VALUE);
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
        buffer.clear();
        bufferedBytes = 0;
        requestAck(true, Long.MIN_VALUE);
    }

    /** A Buffer Probe (§3.6.2.3.2) asks for an ack with the current window. */
    public void onBufferProbe() {
        requestAck(true, Long.MIN_VALUE);
    }

    /** Applies one User Data or Next User Data chunk of this flow (§3.6.3.2). */
    public void onUserData(UserDataChunk chunk, long now) {
        if (chunk.flowId() != flowId) {
            throw new IllegalArgumentException("chunk for flow " + chunk.flowId() + " given to flow " + flowId);
        }
        long seq = chunk.sequenceNumber();
        long fsn = chunk.forwardSequenceNumber();
        boolean fresh = !received.contains(seq);
        // §3.6.3.2: acknowledge at once whatever the sender needs to hear quickly
        boolean urgent = advertisedBlocks < 2 || chunk.abandon() || received.rangeCount() != 1 || !fresh;
        boolean keep = fresh && !chunk.abandon() && state == State.OPEN;
        if (keep && bufferedBytes + chunk.dataLength() + FRAGMENT_OVERHEAD > HARD_LIMIT_FACTOR * capacity) {
            // Only an endless or oversized message gets here (in-order fragments may pass the
            // window, see fits): refuse the flow rather than buffer without bound.
            reject(MESSAGE_TOO_LARGE);
            keep = false;
        }
        if (fresh && !fits(seq, fsn, keep ? chunk.dataLength() : -1)) {
            requestAck(true, now); // dropped: tell the sender our window again
            return;
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
            bufferedBytes += chunk.dataLength() + FRAGMENT_OVERHEAD;
            if (unordered && !paused) {
                deliverAround(seq);
            }
        }
        deliver();
        checkComplete();
        requestAck(urgent || state != State.OPEN, now);
    }

    /**
     * Whether a fresh fragment may be taken. Data beyond the buffer is dropped, except the
     * fragment right after the cumulative ack, which always lets reassembly progress (a
     * message larger than the buffer still arrives, one in-order fragment at a time).
     */
    private boolean fits(long seq, long fsn, int dataLength) {
        long cumulativeAfter = Math.max(received.cumulative(), fsn);
        if (seq > cumulativeAfter + 1 && !received.wouldMerge(seq) && received.rangeCount() >= MAX_RANGES) {
            return false;
        }
        if (dataLength < 0) {
            return true;
        }
        boolean nextInOrder = seq == cumulativeAfter + 1 && !paused;
        return nextInOrder || bufferedBytes + dataLength + FRAGMENT_OVERHEAD <= capacity;
    }

    private void requestAck(boolean urgent, long now) {
        if (!ackPending) {
            ackPending = true;
            ackDueAt = now == Long.MIN_VALUE ? Long.MIN_VALUE : now + DELAYED_ACK_MILLIS;
        }
        if (urgent) {
            ackUrgent = true;
            ackDueAt = Long.MIN_VALUE;
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
                bufferedBytes -= p.data.length + FRAGMENT_OVERHEAD;
            }
        }
    }

    private void emit(long from, long to) {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        for (long s = from; s <= to; s++) {
            Piece p = buffer.remove(s);
            bufferedBytes -= p.data.length + FRAGMENT_OVERHEAD;
            message.writeBytes(p.data);
        }
        if (advertisedBlocks < 2) {
            requestAck(true, Long.MIN_VALUE); // the window reopens: say so at once
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
        requestAck(true, Long.MIN_VALUE);
    }

    /**
     * Makes an owed acknowledgement urgent: the session calls this on every second packet
     * carrying user data (RFC 7016 §3.6.3.4.4). Nothing happens when no ack is owed.
     */
    public void ackNow() {
        if (ackPending) {
            requestAck(true, Long.MIN_VALUE);
        }
    }

    /** True when an acknowledgement is owed. */
    public boolean isAckPending() {
        return ackPending;
    }

    /** True when the owed ack should go in the very next packet (§3.6.3.2). */
    public boolean isAckUrgent() {
        return ackPending && ackUrgent;
    }

    /** When the owed ack must be sent at the latest; {@code Long.MAX_VALUE} if none is owed. */
    public long ackDeadline() {
        return ackPending ? ackDueAt : Long.MAX_VALUE;
    }

    /**
     * Free buffer in 1024-byte blocks, as advertised in acks (§2.3.13). Rounded down, so a
     * sender that fills the advertised space is never dropped for it.
     */
    public long bufferBlocksAvailable() {
        long blocks = Math.max(0, capacity - bufferedBytes) / AckChunk.BLOCK_SIZE;
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
     * interop-notes.md), leaving out the highest ranges if they do not fit. Clears the pending
     * state. Empty when not even the ack header fits.
     */
    public List<FlowChunk> takeAck(int budget) {
        List<FlowChunk> out = new ArrayList<>(2);
        int remaining = budget;
        if (state == State.REJECTED) {
            FlowChunk exception = new FlowExceptionChunk(flowId, exceptionCode).toChunk();
            if (exception.encodedSize() > remaining) {
                return out;
            }
            out.add(exception);
            remaining -= exception.encodedSize();
        }
        AckChunk ack = currentAck();
        byte[] payload = ack.encodeRanges(Math.min(0xffff, remaining - FlowChunk.HEADER_SIZE));
        if (payload == null) {
            return List.of();
        }
        out.add(new FlowChunk(FlowChunk.ACK_RANGES, payload));
        advertisedBlocks = ack.bufferBlocksAvailable();
        ackPending = false;
        ackUrgent = false;
        ackDueAt = Long.MAX_VALUE;
        return out;
    }
}
