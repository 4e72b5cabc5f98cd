package org.nimbus.conformance.tc;

import org.nimbus.conformance.wire.ByteReader;
import org.nimbus.conformance.wire.ByteWriter;

/**
 * A message on a TC flow (RFC 7425 §5.1): {@code type(1) | timestamp(4) | body}, with the
 * RTMP message type codes.
 */
public record TcMessage(int type, long timestamp, byte[] body) {
    public static final int USER_CONTROL = 0x04;
    public static final int AUDIO = 0x08;
    public static final int VIDEO = 0x09;
    public static final int DATA_AMF3 = 0x0f;
    public static final int COMMAND_AMF3 = 0x11;
    public static final int DATA_AMF0 = 0x12;
    public static final int COMMAND_AMF0 = 0x14;

    public static TcMessage decode(byte[] message) {
        ByteReader r = new ByteReader(message);
        int type = r.u8();
        long ts = r.u32();
        return new TcMessage(type, ts, r.rest());
    }

    public byte[] encode() {
        return new ByteWriter().u8(type).u32(timestamp).bytes(body).toByteArray();
    }
}
