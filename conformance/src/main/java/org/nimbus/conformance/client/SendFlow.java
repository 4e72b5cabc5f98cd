package org.nimbus.conformance.client;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.nimbus.conformance.wire.Ack;
import org.nimbus.conformance.wire.Option;
import org.nimbus.conformance.wire.UserData;

/**
 * The sending side of one flow (RFC 7016 §3.6.2): messages are cut into fragments with
 * consecutive sequence numbers; the metadata (and return association) ride on every fragment
 * until the first acknowledgement arrives, and unacknowledged fragments are retransmitted.
 */
public final class SendFlow {
    /** A fragment waiting for its acknowledgement. */
    static final class Fragment {
        final long seq;
        final int flags;
        final byte[] data;
        long lastSentNanos;
        int transmissions;

        Fragment(long seq, int flags, byte[] data) {
            this.seq = seq;
            this.flags = flags;
            this.data = data;
        }
    }

    private final long flowId;
    private final byte[] metadata;
    private final long returnFlowId;
    private final int fragmentSize;
    private final TreeMap<Long, Fragment> unacked = new TreeMap<>();
    private long nextSeq = 1;
    private long cumulativeAck;
    private boolean acknowledgedOnce;
    private boolean finished;
    private long exceptionCode = -1;

    SendFlow(long flowId, byte[] metadata, long returnFlowId, int fragmentSize) {
        this.flowId = flowId;
        this.metadata = metadata.clone();
        this.returnFlowId = returnFlowId;
        this.fragmentSize = fragmentSize;
    }

    public long flowId() {
        return flowId;
    }

    public long cumulativeAck() {
        return cumulativeAck;
    }

    public boolean allAcknowledged() {
        return unacked.isEmpty();
    }

    /** The code of a Flow Exception Report (0x5e) the receiver sent for this flow, or -1. */
    public long exceptionCode() {
        return exceptionCode;
    }

    /** Queues a message, fragmenting it; returns its fragments' sequence numbers. */
    List<Fragment> enqueue(byte[] message, boolean fin) {
        if (finished) {
            throw new IllegalStateException("flow " + flowId + " is finished");
        }
        List<Fragment> out = new ArrayList<>();
        int count = Math.max(1, (message.length + fragmentSize - 1) / fragmentSize);
        for (int i = 0; i < count; i++) {
            int from = i * fragmentSize;
            int to = Math.min(message.length, from + fragmentSize);
            int fra = count == 1 ? UserData.FRAGMENT_WHOLE : i == 0 ? UserData.FRAGMENT_BEGIN
                    : i == count - 1 ? UserData.FRAGMENT_END : UserData.FRAGMENT_MIDDLE;
            int flags = fra | (fin && i == count - 1 ? UserData.FLAG_FINAL : 0);
            Fragment f = new Fragment(nextSeq++, flags, java.util.Arrays.copyOfRange(message, from, to));
            unacked.put(f.seq, f);
            out.add(f);
        }
        finished = fin;
        return out;
    }

    /** The user data chunk for a fragment as it should be (re)sent now. */
    UserData toUserData(Fragment f) {
        List<Option> options = new ArrayList<>();
        if (!acknowledgedOnce) {
            options.add(Option.of(UserData.OPTION_METADATA, metadata));
            if (returnFlowId >= 0) {
                options.add(Option.vlu(UserData.OPTION_RETURN_ASSOCIATION, returnFlowId));
            }
        }
        // fsnOffset: distance back to the forward sequence number, all below which is settled.
        return new UserData(f.flags, flowId, f.seq, f.seq - cumulativeAck, options, f.data);
    }

    void onAck(Ack ack) {
        acknowledgedOnce = true;
        cumulativeAck = Math.max(cumulativeAck, ack.cumulativeAck());
        unacked.values().removeIf(f -> ack.acknowledges(f.seq));
    }

    void onException(long code) {
        exceptionCode = code;
        unacked.clear();
    }

    List<Fragment> dueForRetransmission(long nowNanos, long rtoNanos) {
        return unacked.values().stream().filter(f -> nowNanos - f.lastSentNanos >= rtoNanos).toList();
    }
}
