package org.nimbus.conformance.client;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nimbus.conformance.wire.Ack;
import org.nimbus.conformance.wire.Option;
import org.nimbus.conformance.wire.UserData;

/**
 * The receiving side of one flow (RFC 7016 §3.6.3): keeps fragments by sequence number, delivers
 * complete messages in order, honours the forward sequence number, and describes itself as a
 * Range Ack.
 */
final class RecvFlow {
    private final long flowId;
    private byte[] metadata;
    private long returnFlowId = -1;
    private final TreeMap<Long, UserData> fragments = new TreeMap<>();
    /** Everything up to here has been delivered or skipped. */
    private long delivered;
    /** The sender's forward sequence number: missing numbers up to here will never come. */
    private long abandonedUpTo;
    private long highestSeen;
    private boolean finalSeen;

    RecvFlow(long flowId) {
        this.flowId = flowId;
    }

    boolean isComplete() {
        return finalSeen && fragments.isEmpty();
    }

    void accept(UserData u) {
        if (metadata == null) {
            for (Option o : u.options()) {
                if (o.type() == UserData.OPTION_METADATA) {
                    metadata = o.value();
                } else if (o.type() == UserData.OPTION_RETURN_ASSOCIATION) {
                    returnFlowId = o.valueAsVlu();
                }
            }
        }
        highestSeen = Math.max(highestSeen, u.sequenceNumber());
        finalSeen |= u.isFinal();
        if (u.sequenceNumber() > delivered) {
            fragments.putIfAbsent(u.sequenceNumber(), u);
        }
        // §3.6.3.2: numbers at or below the forward sequence number that have not arrived will
        // never be (re)sent. Fragments that did arrive stay: they may belong to a message whose
        // remaining pieces are still coming.
        abandonedUpTo = Math.max(abandonedUpTo, u.forwardSequenceNumber());
    }

    /** Complete messages now deliverable in order. */
    List<ReceivedMessage> drain() {
        List<ReceivedMessage> out = new ArrayList<>();
        while (true) {
            UserData first = fragments.get(delivered + 1);
            if (first == null) {
                if (delivered + 1 <= abandonedUpTo) {
                    delivered++; // abandoned by the sender
                    continue;
                }
                return out;
            }
            if (first.isAbandon() || first.fragment() == UserData.FRAGMENT_MIDDLE || first.fragment() == UserData.FRAGMENT_END) {
                // A message whose beginning was abandoned: drop pieces until a new one starts.
                fragments.remove(++delivered);
                continue;
            }
            ByteArrayOutputStream msg = new ByteArrayOutputStream();
            long seq = delivered + 1;
            UserData u = first;
            while (true) {
                msg.writeBytes(u.data());
                if (u.fragment() == UserData.FRAGMENT_WHOLE || u.fragment() == UserData.FRAGMENT_END) {
                    break;
                }
                u = fragments.get(++seq);
                if (u == null) {
                    if (seq <= abandonedUpTo) {
                        break; // a piece was abandoned: the message can never complete
                    }
                    return out; // incomplete
                }
            }
            boolean whole = u != null;
            for (long s = delivered + 1; s <= seq; s++) {
                fragments.remove(s);
            }
            delivered = whole ? seq : seq - 1;
            if (!whole) {
                continue;
            }
            if (first.data().length > 0 || first.fragment() != UserData.FRAGMENT_WHOLE || !first.isFinal()) {
                out.add(new ReceivedMessage(flowId, metadata == null ? new byte[0] : metadata, returnFlowId,
                        msg.toByteArray()));
            }
        }
    }

    /** A Range Ack (§2.3.14) of what has been received, for the buffer the client offers. */
    Ack ack(long bufferBlocks) {
        long cum = Math.max(delivered, abandonedUpTo);
        while (fragments.containsKey(cum + 1)) {
            cum++;
        }
        List<Ack.Range> ranges = new ArrayList<>();
        long start = -1;
        long prev = -1;
        for (Map.Entry<Long, UserData> e : fragments.tailMap(cum, false).entrySet()) {
            long s = e.getKey();
            if (start < 0) {
                start = s;
            } else if (s != prev + 1) {
                ranges.add(new Ack.Range(start, prev));
                start = s;
            }
            prev = s;
        }
        if (start >= 0) {
            ranges.add(new Ack.Range(start, prev));
        }
        return new Ack(flowId, bufferBlocks, cum, ranges);
    }
}
