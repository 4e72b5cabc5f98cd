package org.nimbus.conformance.cli;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nimbus.conformance.client.RtmfpException;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.tc.Command;
import org.nimbus.conformance.tc.TcMessage;
import org.nimbus.conformance.wire.Ack;
import org.nimbus.conformance.wire.Chunk;
import org.nimbus.conformance.wire.ChunkType;
import org.nimbus.conformance.wire.FlowException;
import org.nimbus.conformance.wire.Option;
import org.nimbus.conformance.wire.UserData;
import org.nimbus.conformance.wire.WireFormatException;

/**
 * A client flow driven fragment by fragment through the session's raw hooks (RFC 7016 §2.3.11),
 * and what the server answered for it: acknowledgements (§2.3.13/14) or a flow exception
 * (§2.3.16). Its flow ids are far above those the session's own flows use.
 */
final class RawFlow {
    private static long nextFlowId = 1000;

    final Session session;
    final long flowId;
    private final byte[] metadata;

    RawFlow(Session session, byte[] metadata) {
        this.session = session;
        this.metadata = metadata.clone();
        synchronized (RawFlow.class) {
            this.flowId = nextFlowId++;
        }
    }

    /**
     * A valid TC command message (RFC 7425 §5.1) of about {@code size} bytes: a call no
     * application defines, so a server that speaks TC treats it as an ordinary unknown call.
     */
    static byte[] probeMessage(int size) {
        char[] pad = new char[Math.max(0, size - 40)];
        Arrays.fill(pad, 'x');
        return new Command("conformanceProbe", 0.0, Arrays.asList(null, new String(pad)))
                .toMessage(TcMessage.COMMAND_AMF0).encode();
    }

    /**
     * The message cut into {@code pieces} fragments with sequence numbers {@code firstSeq...},
     * each carrying the metadata (allowed on every fragment until the first acknowledgement) and
     * an fsnOffset that keeps the forward sequence number at {@code firstSeq - 1}.
     */
    List<UserData> fragments(byte[] message, int pieces, long firstSeq, boolean fin) {
        List<UserData> out = new ArrayList<>();
        int size = (message.length + pieces - 1) / pieces;
        for (int i = 0; i < pieces; i++) {
            byte[] part = Arrays.copyOfRange(message, Math.min(message.length, i * size), Math.min(message.length, (i + 1) * size));
            int frag = pieces == 1 ? UserData.FRAGMENT_WHOLE : i == 0 ? UserData.FRAGMENT_BEGIN
                    : i == pieces - 1 ? UserData.FRAGMENT_END : UserData.FRAGMENT_MIDDLE;
            int flags = frag | (fin && i == pieces - 1 ? UserData.FLAG_FINAL : 0);
            long seq = firstSeq + i;
            out.add(fragment(flags, seq, seq - (firstSeq - 1), part));
        }
        return out;
    }

    UserData fragment(int flags, long seq, long fsnOffset, byte[] data) {
        return new UserData(flags, flowId, seq, fsnOffset, List.of(Option.of(UserData.OPTION_METADATA, metadata)), data);
    }

    void send(UserData... fragments) throws IOException {
        List<Chunk> chunks = new ArrayList<>();
        for (UserData u : fragments) {
            chunks.add(u.toChunk());
        }
        session.sendChunks(chunks);
    }

    /** The acknowledgements the server sent for this flow so far, oldest first. */
    List<Ack> acks() {
        List<Ack> out = new ArrayList<>();
        for (Session.Received r : session.receivedPackets()) {
            for (Chunk c : r.packet().chunks()) {
                if (c.type() == ChunkType.RANGE_ACK || c.type() == ChunkType.BITMAP_ACK) {
                    try {
                        Ack a = Ack.decode(c);
                        if (a.flowId() == flowId) {
                            out.add(a);
                        }
                    } catch (WireFormatException e) {
                        // a malformed ack is judged elsewhere; it acknowledges nothing here
                    }
                }
            }
        }
        return out;
    }

    /** The highest cumulative acknowledgement seen, or -1. */
    long cumulativeAck() {
        return acks().stream().mapToLong(Ack::cumulativeAck).max().orElse(-1);
    }

    /** Whether some acknowledgement reported {@code seq} as received. */
    boolean acknowledged(long seq) {
        return acks().stream().anyMatch(a -> a.acknowledges(seq));
    }

    /** The code of a flow exception report for this flow, or -1. */
    long exceptionCode() {
        return session.flowExceptions().stream().filter(e -> e.flowId() == flowId).mapToLong(FlowException::code)
                .findFirst().orElse(-1);
    }

    /** Pumps until {@code seq} and everything before it is acknowledged, or the flow is rejected. */
    void awaitSettled(long seq, Duration timeout) throws IOException, RtmfpException {
        session.await(() -> cumulativeAck() >= seq || exceptionCode() >= 0, timeout,
                "acknowledgement of sequence number " + seq + " on flow " + flowId + " (cumulative so far " + cumulativeAck() + ")");
    }

    /** "acknowledged" or "rejected (code n)", for a case's detail. */
    String verdict() {
        long code = exceptionCode();
        return code >= 0 ? "flow rejected with exception code " + code : "cumulative ack " + cumulativeAck();
    }
}
