package org.nimbus.rtmfp.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.Datagram;
import org.nimbus.rtmfp.packet.DatagramFraming;
import org.nimbus.rtmfp.packet.Packet;
import org.nimbus.rtmfp.packet.PacketHeader;

/**
 * Builds one session's outgoing datagrams: a responder-mode header with the timestamp, and the
 * echo while a fresh one is owed (RFC 7016 §2.2.4, §3.5.2); queued control chunks first (pings,
 * their replies, close requests and acks, Forwarded IHellos), then the flows' due acks, user data
 * and leftover acks, as many as the datagram holds; sealed with the session's framing and, when
 * negotiated, its session sequence numbers (RFC 7425 §4.5). Owned by its {@link Session}.
 */
final class PacketAssembler {
    /** §3.5.2: a timestamp echo is only meaningful for this long after the timestamp arrived. */
    private static final long ECHO_VALIDITY_MILLIS = 128_000;
    /** Responder-mode session packets always carry a timestamp (docs/interop.md: 0x4a / 0x4e). */
    private static final int FLAGS = PacketHeader.TIME_CRITICAL_REVERSE | PacketHeader.TIMESTAMP
            | PacketHeader.MODE_RESPONDER;

    private final int peerSessionId;
    private final DatagramFraming framing;
    private final RtmfpCounters counters;
    private final ArrayDeque<Chunk> control = new ArrayDeque<>();
    private long sequenceNumber;
    private int tsRx = -1;
    private long tsRxTime;
    private int tsEchoTx = -1;

    PacketAssembler(int peerSessionId, DatagramFraming framing, RtmfpCounters counters) {
        this.peerSessionId = peerSessionId;
        this.framing = framing;
        this.counters = counters;
    }

    /** A control chunk for the next packet, in order. */
    void queue(Chunk chunk) {
        control.add(chunk);
    }

    /** §3.5.2: keep the most recent timestamp received (modulo 2^16) and when it came. */
    void onTimestamp(int ts, long now) {
        if (tsRx < 0 || ((ts - tsRx) & 0xffff) < 0x8000) {
            if (ts != tsRx) {
                tsRx = ts;
                tsRxTime = now;
            }
        }
    }

    /**
     * The next datagram of what is owed, or null when nothing is. {@code flows} is null once the
     * session is closing: then only control chunks go.
     */
    byte[] next(FlowTable flows, long now) {
        PacketHeader header = header(now);
        int budget = framing.maxPacketSize(Datagram.MAX_SEND_SIZE, sequenceNumber) - header.size();
        List<Chunk> chunks = new ArrayList<>();
        budget = addControl(chunks, budget);
        if (flows != null) {
            budget = flows.addAcks(chunks, budget, now, true);
            budget = flows.addUserData(chunks, budget, now);
            flows.addAcks(chunks, budget, now, false);
        }
        if (chunks.isEmpty()) {
            return null;
        }
        if (header.hasTimestampEcho()) {
            tsEchoTx = header.timestampEcho();
        }
        return seal(new Packet(header, chunks));
    }

    /** A datagram of one chunk outside the queue (the address probe of §3.5.4). */
    byte[] single(Chunk chunk, long now) {
        return seal(Packet.of(header(now), chunk));
    }

    private int addControl(List<Chunk> chunks, int budget) {
        while (!control.isEmpty()) {
            Chunk c = control.peek();
            if (c.size() > budget) {
                if (chunks.isEmpty()) {
                    control.poll(); // can never fit (an oversized ping to echo): drop it
                    counters.increment("drop.oversized-control");
                    continue;
                }
                break;
            }
            control.poll();
            chunks.add(c);
            budget -= c.size();
        }
        return budget;
    }

    /** §3.5.2: timestamp always; the echo when a fresh one is owed. */
    private PacketHeader header(long now) {
        int ts = PacketHeader.timestampAt(now);
        if (tsRx >= 0 && now - tsRxTime < ECHO_VALIDITY_MILLIS) {
            int echo = (tsRx + (int) ((now - tsRxTime) / PacketHeader.TIMESTAMP_MILLIS)) & 0xffff;
            if (echo != tsEchoTx) {
                return new PacketHeader(FLAGS | PacketHeader.TIMESTAMP_ECHO, ts, echo);
            }
        }
        return new PacketHeader(FLAGS, ts, 0);
    }

    private byte[] seal(Packet p) {
        long ssn = framing.sequenceNumbers() ? sequenceNumber++ : DatagramFraming.NO_SEQUENCE_NUMBER;
        return framing.seal(peerSessionId, ssn, p);
    }
}
