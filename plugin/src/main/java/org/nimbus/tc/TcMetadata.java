package org.nimbus.tc;

import java.nio.ByteBuffer;
import java.util.Optional;
import org.nimbus.rtmfp.packet.MalformedException;
import org.nimbus.rtmfp.packet.Vlu;

/**
 * User metadata of a TC flow (RFC 7425 §5.1.1): the bytes {@code 'T' 'C'}, one options byte and,
 * when its stream-ID bit (0x04) is set, the RTMP stream ID as a VLU. Stream 0 is the
 * NetConnection; every NetStream has a flow of its own per direction. The low two bits of the
 * options byte are the receive intent (§5.1.1: 0 original order, others relaxed); they are kept
 * but a receiver may always deliver in order.
 */
public record TcMetadata(int options, long streamId) {
    public static final int STREAM_ID_PRESENT = 0x04;
    private static final byte T = 'T';
    private static final byte C = 'C';

    /** Metadata of the flow that carries stream {@code streamId}, in original order. */
    public static byte[] forStream(long streamId) {
        ByteBuffer b = ByteBuffer.allocate(3 + Vlu.size(streamId));
        b.put(T).put(C).put((byte) STREAM_ID_PRESENT);
        Vlu.write(b, streamId);
        return b.array();
    }

    public static boolean isTc(byte[] metadata) {
        return metadata.length >= 2 && metadata[0] == T && metadata[1] == C;
    }

    /**
     * The TC metadata of a flow, or empty when the flow is not TC. A TC flow without a stream
     * ID (no options byte, or the bit clear) belongs to the NetConnection (stream 0).
     */
    public static Optional<TcMetadata> parse(byte[] metadata) {
        if (!isTc(metadata)) {
            return Optional.empty();
        }
        if (metadata.length < 3) {
            return Optional.of(new TcMetadata(0, 0));
        }
        int options = metadata[2] & 0xff;
        if ((options & STREAM_ID_PRESENT) == 0) {
            return Optional.of(new TcMetadata(options, 0));
        }
        try {
            return Optional.of(new TcMetadata(options, Vlu.read(ByteBuffer.wrap(metadata, 3, metadata.length - 3))));
        } catch (MalformedException e) {
            return Optional.empty();
        }
    }
}
