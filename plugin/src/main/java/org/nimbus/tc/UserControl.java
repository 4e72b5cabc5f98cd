package org.nimbus.tc;

import java.nio.ByteBuffer;

/**
 * User control messages the server originates on TC flows (RTMP type 0x04:
 * {@code event(2) | data}). Event 0x29 tells an RTMFP client how often the server and its peers
 * ping it: {@code u32 server ms | u32 peer ms}; deployed servers send it right after a
 * successful connect (docs/interop.md), and Flash uses it instead of its defaults. Event 0x22 is
 * a client's flow synchronization barrier across a stream's flows (RFC 7425 §5.2: {@code u32
 * syncID | u32 count}); rtmfp-cpp sends it on each flow of a NetStream when it syncs the stream.
 */
public final class UserControl {
    public static final int FLOW_SYNC = 0x22;
    public static final int SET_KEEPALIVE = 0x29;

    private UserControl() {
    }

    /** Whether the message is a flow synchronization (§5.2), which is for the TC layer, not the application. */
    public static boolean isFlowSync(TcMessage m) {
        byte[] b = m.body();
        return m.type() == TcMessage.USER_CONTROL && b.length >= 10 && ((b[0] & 0xff) << 8 | (b[1] & 0xff)) == FLOW_SYNC;
    }

    public static TcMessage keepalive(long serverMillis, long peerMillis) {
        byte[] body = ByteBuffer.allocate(10).putShort((short) SET_KEEPALIVE).putInt((int) serverMillis)
                .putInt((int) peerMillis).array();
        return new TcMessage(TcMessage.USER_CONTROL, 0, body);
    }
}
