package org.nimbus.red5;

import java.util.concurrent.atomic.LongAdder;
import org.red5.server.api.IConnection;
import org.red5.server.api.Red5;

/**
 * NetStream publish and play commands, per transport of the connection that sent them (RTMFP or
 * RTMP), counted by {@link LiveStreamService} as Red5 invokes them. Static: Red5's Spring context
 * creates the stream service, the plugin reads the figures.
 */
public final class StreamCounters {
    public static final LongAdder RTMFP_PUBLISHES = new LongAdder();
    public static final LongAdder RTMP_PUBLISHES = new LongAdder();
    public static final LongAdder RTMFP_PLAYS = new LongAdder();
    public static final LongAdder RTMP_PLAYS = new LongAdder();

    private StreamCounters() {
    }

    static void published() {
        (rtmfp() ? RTMFP_PUBLISHES : RTMP_PUBLISHES).increment();
    }

    static void played() {
        (rtmfp() ? RTMFP_PLAYS : RTMP_PLAYS).increment();
    }

    private static boolean rtmfp() {
        IConnection c = Red5.getConnectionLocal();
        return c instanceof RtmfpConnection;
    }
}
