package org.nimbus.rtmfp.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.Option;
import org.nimbus.rtmfp.packet.Vlu;

/**
 * The sending side of one flow, RFC 7016 §3.6.2. Messages are cut into fragments with
 * consecutive sequence numbers when written; the session then asks for chunks that fit the
 * room left in each packet ({@link #assemble}) and feeds back acknowledgements
 * ({@link #onAck}) and exception reports ({@link #onException}). Retransmission, loss
 * detection and the congestion window live in the session-wide {@link CongestionControl}.
 *
 * <p>Time is passed in (milliseconds of any monotonic clock); nothing here reads a clock or
 * starts a thread.
 */
public final class SendFlow {
    /** Chunk payload that keeps a packet within a 1200-byte datagram after framing and padding. */
    public static final int DEFAULT_MAX_CHUNK_PAYLOAD = 1150;
    /** What we assume the receiver can buffer until its first acknowledgement says otherwise. */
    public static final long INITIAL_RECEIVE_WINDOW = 65536;
    static final long PERSIST_INITIAL = 1000;
    static final long PERSIST_MAX = 60_000;
    private static final byte[] EMPTY = new byte[0];

    /** OPEN accepts writes; CLOSING waits for the final fragment's ack; COMPLETE is done. */
    public enum State { OPEN, CLOSING, COMPLETE }

    private final long flowId;
    private final CongestionControl congestion;
    private final List<Option> startupOptions;
    private final int fragmentDataSize;
    private final TreeMap<Long, SendFragment> queue = new TreeMap<>();
    private final List<FlowEvent> events = new ArrayList<>();

    private State state = State.OPEN;
    private long nextSequence = 1;
    private long finalSequence;
    /** §3.6.2.1: metadata and return association ride on each packet's first chunk until an ack. */
    private boolean startupPending = true;
    private long receiveWindow = INITIAL_RECEIVE_WINDOW;
    private long flowOutstanding;
    private long bufferedBytes;
    private long exceptionCode = -1;
    private long nextProbeAt = Long.MAX_VALUE;
    private long probeInterval;

    public SendFlow(long flowId, byte[] metadata, OptionalLong returnAssociation, CongestionControl congestion) {
        this(flowId, metadata, returnAssociation, congestion, DEFAULT_MAX_CHUNK_PAYLOAD);
    }

    /**
     * @param metadata the flow's user metadata (§2.3.11.1.1), e.g. {@code 54 43 04 00} for a TC flow
     * @param returnAssociation the receive flow this flow answers (§2.3.11.1.2), if any
     * @param maxChunkPayload largest chunk payload the session will ever be able to take; every
     *        fragment is cut so that its chunk, with startup options, fits
     */
    public SendFlow(long flowId, byte[] metadata, OptionalLong returnAssociation, CongestionControl congestion,
                    int maxChunkPayload) {
        if (flowId < 0) {
            throw new IllegalArgumentException("negative flow ID");
        }
        this.flowId = flowId;
        this.congestion = congestion;
        List<Option> options = new ArrayList<>();
        options.add(new Option(UserDataChunk.OPTION_METADATA, metadata));
        returnAssociation.ifPresent(id -> options.add(new Option(UserDataChunk.OPTION_RETURN_ASSOCIATION, Vlu.encode(id))));
        this.startupOptions = List.copyOf(options);
        int optionsSize = 1;
        for (Option o : options) {
            optionsSize += o.encodedSize();
        }
        // flags + flow ID + worst-case sequence number and fsnOffset
        int header = 1 + Vlu.size(flowId) + 2 * Vlu.MAX_BYTES;
        this.fragmentDataSize = maxChunkPayload - header - optionsSize;
        if (fragmentDataSize < 1) {
            throw new IllegalArgumentException("maxChunkPayload " + maxChunkPayload + " leaves no room for data");
        }
    }

    public long flowId() {
        return flowId;
    }

    public State state() {
        return state;
    }

    public boolean isComplete() {
        return state == State.COMPLETE;
    }

    /** Largest data size of one fragment. */
    public int fragmentDataSize() {
        return fragmentDataSize;
    }

    /** Bytes of message data written and not yet acknowledged; the application's back-pressure gauge. */
    public long bufferedBytes() {
        return bufferedBytes;
    }

    /** This flow's chunk bytes in flight. */
    public long outstandingBytes() {
        return flowOutstanding;
    }

    /** The receiver's last advertised buffer space in bytes (§3.6.2.7). */
    public long receiveWindow() {
        return receiveWindow;
    }

    /** The code of the receiver's Flow Exception Report, if it rejected the flow. */
    public OptionalLong exceptionCode() {
        return exceptionCode < 0 ? OptionalLong.empty() : OptionalLong.of(exceptionCode);
    }

    public CongestionControl congestion() {
        return congestion;
    }

    /** Events since the last call: completion, rejection. */
    public List<FlowEvent> takeEvents() {
        List<FlowEvent> out = List.copyOf(events);
        events.clear();
        return out;
    }

    /** Queues a message with no lifetime limit. */
    public WriteReceipt write(byte[] message, long now) {
        return write(message, now, Long.MAX_VALUE);
    }

    /**
     * Queues a message (§3.6.2.2). If it is not delivered within {@code lifetimeMillis} it is
     * abandoned (§3.6.2.6): its remaining fragments are never sent with data again and the
     * receiver is told to skip them.
     */
    public WriteReceipt write(byte[] message, long now, long lifetimeMillis) {
        if (state != State.OPEN) {
            throw new IllegalStateException("flow " + flowId + " is " + state);
        }
        int count = Math.max(1, (message.length + fragmentDataSize - 1) / fragmentDataSize);
        long deadline = lifetimeMillis >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + lifetimeMillis;
        WriteReceipt receipt = new WriteReceipt(nextSequence, nextSequence + count - 1, deadline);
        for (int i = 0; i < count; i++) {
            int from = i * fragmentDataSize;
            int to = Math.min(message.length, from + fragmentDataSize);
            Fragment fra = count == 1 ? Fragment.WHOLE
                    : i == 0 ? Fragment.BEGIN : i == count - 1 ? Fragment.END : Fragment.MIDDLE;
            byte[] data = java.util.Arrays.copyOfRange(message, from, to);
            queue.put(nextSequence, new SendFragment(this, nextSequence, fra, data, receipt, false));
            nextSequence++;
            bufferedBytes += data.length;
        }
        return receipt;
    }

    /**
     * Closes the flow (§3.6.2.10): the last fragment carries the final flag; if it was already
     * sent, an empty abandoned fragment carries it instead. Complete once that is acknowledged.
     */
    public void close() {
        if (state != State.OPEN) {
            return;
        }
        if (nextSequence == 1) {
            // the receiver never heard of this flow: nothing to tell it
            state = State.COMPLETE;
            events.add(new FlowEvent.SendFlowComplete(flowId));
            return;
        }
        Map.Entry<Long, SendFragment> last = queue.lastEntry();
        if (last != null && last.getValue().transmissions == 0 && last.getKey() == nextSequence - 1) {
            last.getValue().fin = true;
            finalSequence = last.getKey();
        } else {
            SendFragment marker = new SendFragment(this, nextSequence, Fragment.WHOLE, EMPTY,
                    new WriteReceipt(nextSequence, nextSequence, Long.MAX_VALUE), true);
            marker.fin = true;
            queue.put(nextSequence, marker);
            finalSequence = nextSequence++;
        }
        state = State.CLOSING;
    }

    /** The sequence number carrying the final flag, 0 while open. */
    public long finalSequenceNumber() {
        return finalSequence;
    }

    /**
     * The receiver rejected the flow (§3.6.2.8): everything queued is abandoned, the flow closes
     * and completes once the receiver acknowledges the final fragment. Reported once.
     */
    public void onException(long code) {
        if (exceptionCode >= 0 || state == State.COMPLETE) {
            return;
        }
        exceptionCode = code;
        events.add(new FlowEvent.SendFlowRejected(flowId, code));
        for (SendFragment f : queue.values()) {
            f.receipt.abandon();
        }
        nextProbeAt = Long.MAX_VALUE;
        close();
    }

    /**
     * Applies an acknowledgement for this flow (§3.6.2.4): acknowledged fragments leave the
     * queue, the receive window is updated, and the session's congestion state learns about
     * acknowledged and lost data.
     */
    public void onAck(AckChunk ack, long now) {
        if (ack.flowId() != flowId) {
            throw new IllegalArgumentException("ack for flow " + ack.flowId() + " given to flow " + flowId);
        }
        if (state == State.COMPLETE) {
            return;
        }
        startupPending = false;
        updateWindow(ack.bufferBytesAvailable(), now);
        AckTally tally = new AckTally(congestion.outstandingBytes());
        acknowledge(queue.headMap(ack.cumulativeAck(), true), tally, now);
        for (AckChunk.Range r : ack.ranges()) {
            acknowledge(queue.subMap(r.from(), true, r.to(), true), tally, now);
        }
        if (tally.rttSample >= 0) {
            congestion.onRttSample(tally.rttSample);
        }
        congestion.afterAck(tally.preAckOutstanding, tally.ackedBytes, tally.maxTsn, now);
        checkComplete();
    }

    private static final class AckTally {
        final long preAckOutstanding;
        long ackedBytes;
        long maxTsn;
        long newestSentAt = Long.MIN_VALUE;
        long rttSample = -1;

        AckTally(long preAckOutstanding) {
            this.preAckOutstanding = preAckOutstanding;
        }
    }

    private void acknowledge(Map<Long, SendFragment> acked, AckTally tally, long now) {
        for (SendFragment f : acked.values()) {
            if (f.inFlight) {
                congestion.remove(f);
                f.inFlight = false;
                flowOutstanding -= f.transmitSize;
                tally.ackedBytes += f.transmitSize;
                tally.maxTsn = Math.max(tally.maxTsn, f.tsn);
                // Karn: only a fragment sent once gives an unambiguous round trip
                if (f.transmissions == 1 && f.sentAt > tally.newestSentAt) {
                    tally.newestSentAt = f.sentAt;
                    tally.rttSample = now - f.sentAt;
                }
            }
            f.receipt.fragmentAcknowledged();
            bufferedBytes -= f.data.length;
        }
        acked.clear();
    }

    private void updateWindow(long bytes, long now) {
        receiveWindow = bytes;
        if (bytes == 0) {
            // §3.6.2.3.2: probe a closed window; only ever after the peer advertised zero,
            // since some clients treat an unexpected 0x18 as fatal (docs/interop.md)
            if (nextProbeAt == Long.MAX_VALUE && exceptionCode < 0) {
                probeInterval = Math.max(PERSIST_INITIAL, congestion.erto());
                nextProbeAt = now + probeInterval;
            }
        } else {
            nextProbeAt = Long.MAX_VALUE;
        }
    }

    /** A fragment in flight was declared lost; it becomes eligible for retransmission. */
    void onLoss(SendFragment f) {
        if (f.inFlight) {
            f.inFlight = false;
            flowOutstanding -= f.transmitSize;
        }
    }

    private void checkComplete() {
        if (state == State.CLOSING && queue.isEmpty()) {
            state = State.COMPLETE;
            nextProbeAt = Long.MAX_VALUE;
            events.add(new FlowEvent.SendFlowComplete(flowId));
        }
    }

    /**
     * §3.6.2.3: every sequence number up to the forward sequence number is acknowledged or
     * abandoned, so the receiver may stop waiting for it.
     */
    long forwardSequenceNumber() {
        long fsn = nextSequence - 1;
        for (SendFragment f : queue.values()) {
            if (!f.abandoned()) {
                return f.sequenceNumber - 1;
            }
            fsn = f.sequenceNumber;
        }
        return fsn;
    }

    /** When the flow needs {@link #assemble} called even without new data or acks (buffer probe). */
    public long nextDeadline() {
        return nextProbeAt;
    }

    /** True if {@link #assemble} would produce something now (given enough room). */
    public boolean isReadyToSend(long now) {
        if (state == State.COMPLETE) {
            return false;
        }
        if (now >= nextProbeAt) {
            return true;
        }
        if (!congestion.canSend() || (exceptionCode < 0 && flowOutstanding >= receiveWindow)) {
            return false;
        }
        for (SendFragment f : queue.values()) {
            if (!f.inFlight) {
                return true;
            }
        }
        return false;
    }

    /**
     * Chunks for one outgoing packet, at most {@code budget} bytes including chunk headers,
     * in sequence order (consecutive ones as Next User Data, §2.3.12). Sends what the
     * congestion window and the receiver's window allow: first retransmissions of lost
     * fragments, then new ones. Empty when nothing is due or nothing fits.
     */
    public List<FlowChunk> assemble(int budget, long now) {
        List<FlowChunk> out = new ArrayList<>();
        if (state == State.COMPLETE) {
            return out;
        }
        int remaining = budget;
        if (now >= nextProbeAt) {
            FlowChunk probe = new BufferProbeChunk(flowId).toChunk();
            if (probe.size() <= remaining) {
                out.add(probe);
                remaining -= probe.size();
                probeInterval = Math.min(Math.max((long) (probeInterval * Math.sqrt(2)), congestion.erto()),
                        PERSIST_MAX);
                nextProbeAt = now + probeInterval;
            }
        }
        for (SendFragment f : queue.values()) {
            f.receipt.abandonIfExpired(now);
        }
        long fsn = forwardSequenceNumber();
        UserDataChunk previous = null;
        long tsn = 0;
        boolean first = true;
        for (SendFragment f : queue.values()) {
            if (f.inFlight) {
                continue;
            }
            if (exceptionCode < 0 && flowOutstanding >= receiveWindow) {
                break;
            }
            if (!congestion.canSend()) {
                break;
            }
            boolean abandoned = f.abandoned();
            if (abandoned && !f.fin && f.sequenceNumber < fsn) {
                continue; // the forward sequence number already tells the receiver to skip it
            }
            // fsnOffset of at least 1, as deployed servers send (MonaTiny's final chunk: 03 01 05 01);
            // still true since everything below this fragment is acknowledged or abandoned
            long offset = f.sequenceNumber - Math.min(fsn, f.sequenceNumber - 1);
            UserDataChunk chunk = new UserDataChunk(f.fragment, abandoned, f.fin, flowId, f.sequenceNumber,
                    offset, first && startupPending ? startupOptions : null,
                    abandoned ? EMPTY : f.data);
            boolean next = chunk.follows(previous) && !chunk.hasOptions();
            int size = Chunk.HEADER_SIZE + (next ? chunk.encodedNextSize() : chunk.encodedSize());
            if (size > remaining) {
                break;
            }
            out.add(new FlowChunk(next ? Chunk.NEXT_USER_DATA : Chunk.USER_DATA,
                    next ? chunk.encodeNext() : chunk.encode()));
            remaining -= size;
            if (tsn == 0) {
                tsn = congestion.allocateTsn();
            }
            f.inFlight = true;
            f.sentAbandoned = abandoned;
            f.transmissions++;
            f.tsn = tsn;
            f.nakCount = 0;
            f.transmitSize = size;
            f.sentAt = now;
            flowOutstanding += size;
            congestion.onSent(f, now);
            previous = chunk;
            first = false;
        }
        return out;
    }
}
