package org.nimbus.tc;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One message on a TC flow (RFC 7425 §5.1.2): {@code type(1) | timestamp(4) | body}. The type
 * codes and bodies are RTMP's: commands and data in AMF0 or AMF3, audio, video, user control.
 * Protocol-control types of RTMP's chunk stream (chunk size, abort, ack, window, bandwidth) have
 * no meaning over RTMFP (§5.1.2) and are never sent.
 */
public record TcMessage(int type, long timestamp, byte[] body) {
    public static final int USER_CONTROL = 0x04;
    public static final int AUDIO = 0x08;
    public static final int VIDEO = 0x09;
    public static final int DATA_AMF3 = 0x0f;
    public static final int COMMAND_AMF3 = 0x11;
    public static final int DATA_AMF0 = 0x12;
    public static final int COMMAND_AMF0 = 0x14;
    public static final int AGGREGATE = 0x16;
    public static final int HEADER_SIZE = 5;

    public TcMessage {
        timestamp &= 0xffffffffL;
    }

    /** Parses a flow message; null when it is too short to hold the header. */
    public static TcMessage decode(byte[] message) {
        if (message.length < HEADER_SIZE) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(message);
        int type = b.get() & 0xff;
        long ts = b.getInt() & 0xffffffffL;
        return new TcMessage(type, ts, Arrays.copyOfRange(message, HEADER_SIZE, message.length));
    }

    public byte[] encode() {
        return ByteBuffer.allocate(HEADER_SIZE + body.length).put((byte) type).putInt((int) timestamp).put(body).array();
    }

    public boolean isCommand() {
        return type == COMMAND_AMF0 || type == COMMAND_AMF3;
    }

    /** RTMP chunk-stream control types (1, 2, 3, 5, 6) that RTMFP does not carry. */
    public static boolean isChunkStreamControl(int type) {
        return type == 1 || type == 2 || type == 3 || type == 5 || type == 6;
    }
}
