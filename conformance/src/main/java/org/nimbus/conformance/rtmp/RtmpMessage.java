package org.nimbus.conformance.rtmp;

/**
 * One reassembled RTMP message (Adobe RTMP specification 1.0, §6.1): the chunk stream it came on,
 * its type ID, its absolute timestamp in milliseconds (32 bits, wrapping), its message stream ID
 * and its payload.
 */
public record RtmpMessage(int chunkStreamId, int type, long timestamp, long streamId, byte[] body) {
    /** §5.4.1 Set Chunk Size. */
    public static final int SET_CHUNK_SIZE = 1;
    /** §5.4.2 Abort Message. */
    public static final int ABORT = 2;
    /** §5.4.3 Acknowledgement. */
    public static final int ACKNOWLEDGEMENT = 3;
    /** §6.2 User Control Message (§7.1.7 for the events). */
    public static final int USER_CONTROL = 4;
    /** §5.4.4 Window Acknowledgement Size. */
    public static final int WINDOW_ACK_SIZE = 5;
    /** §5.4.5 Set Peer Bandwidth. */
    public static final int SET_PEER_BANDWIDTH = 6;
    /** §7.1.4 Audio Message. */
    public static final int AUDIO = 8;
    /** §7.1.5 Video Message. */
    public static final int VIDEO = 9;
    /** §7.1.2 Data Message, AMF0. */
    public static final int DATA_AMF0 = 18;
    /** §7.1.1 Command Message, AMF0. */
    public static final int COMMAND_AMF0 = 20;
}
