package org.nimbus.tc;

import java.nio.ByteBuffer;

/**
 * User control messages the server originates on TC flows (RTMP type 0x04:
 * {@code event(2) | data}). Event 0x29 tells an RTMFP client how often the server and its peers
 * ping it: {@code u32 server ms | u32 peer ms}; deployed servers send it right after a
 * successful connect (interop notes), and Flash uses it instead of its defaults.
 */
public final class UserControl {
    public static final int SET_KEEPALIVE = 0x29;

    private UserControl() {
    }

    public static TcMessage keepalive(long serverMillis, long peerMillis) {
        byte[] body = ByteBuffer.allocate(10).putShort((short) SET_KEEPALIVE).putInt((int) serverMillis)
                .putInt((int) peerMillis).array();
        return new TcMessage(TcMessage.USER_CONTROL, 0, body);
    }
}
