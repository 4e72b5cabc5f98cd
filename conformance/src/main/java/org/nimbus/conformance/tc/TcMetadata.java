package org.nimbus.conformance.tc;

import java.util.Arrays;
import org.nimbus.conformance.wire.ByteReader;
import org.nimbus.conformance.wire.ByteWriter;

/**
 * Flow metadata of a TC flow (RFC 7425 §5.1.1): "TC", then 0x04 and the RTMP stream id as a VLU
 * (0 for the NetConnection). As a user data option it is {@code 05 00 54 43 04 00}.
 */
public final class TcMetadata {
    private static final byte[] PREFIX = {'T', 'C'};
    private static final int STREAM_ID_PRESENT = 0x04;

    private TcMetadata() {
    }

    public static byte[] forStream(long streamId) {
        return new ByteWriter().bytes(PREFIX).u8(STREAM_ID_PRESENT).vlu(streamId).toByteArray();
    }

    public static byte[] netConnection() {
        return forStream(0);
    }

    public static boolean isTc(byte[] metadata) {
        return metadata.length >= 2 && Arrays.equals(Arrays.copyOf(metadata, 2), PREFIX);
    }

    /** The stream id of TC metadata, or -1 if it carries none. */
    public static long streamId(byte[] metadata) {
        if (!isTc(metadata) || metadata.length < 4 || (metadata[2] & STREAM_ID_PRESENT) == 0) {
            return -1;
        }
        return new ByteReader(metadata, 3, metadata.length - 3).vlu();
    }
}
