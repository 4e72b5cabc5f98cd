package org.nimbus.conformance.tc;

import org.nimbus.conformance.wire.ByteReader;
import org.nimbus.conformance.wire.WireFormatException;

/**
 * RTMP user control message on a TC flow (type 0x04): {@code event(2) | data}. Event 0x29 is the
 * RTMFP keepalive configuration, {@code u32 server ms | u32 peer ms} (docs/interop.md).
 */
public record UserControl(int event, byte[] data) {
    public static final int SET_KEEPALIVE = 0x29;

    public record Keepalive(long serverMillis, long peerMillis) {
    }

    public static UserControl fromMessage(TcMessage m) {
        if (m.type() != TcMessage.USER_CONTROL) {
            throw new WireFormatException("not a user control message");
        }
        ByteReader r = new ByteReader(m.body());
        return new UserControl(r.u16(), r.rest());
    }

    public Keepalive keepalive() {
        if (event != SET_KEEPALIVE) {
            throw new WireFormatException("event 0x" + Integer.toHexString(event) + " is not a keepalive");
        }
        ByteReader r = new ByteReader(data);
        return new Keepalive(r.u32(), r.u32());
    }
}
