package org.nimbus.conformance.wire;

/** RFC 7016 §2.3.17 Session Close Request (0x0c) and §2.3.18 Close Acknowledgement (0x4c): no payload. */
public final class SessionClose {
    private SessionClose() {
    }

    public static Chunk request() {
        return new Chunk(ChunkType.SESSION_CLOSE, new byte[0]);
    }

    public static Chunk ack() {
        return new Chunk(ChunkType.SESSION_CLOSE_ACK, new byte[0]);
    }
}
