package org.nimbus.it.rtmp;

import java.util.ArrayList;
import java.util.List;
import org.apache.mina.core.buffer.IoBuffer;
import org.red5.server.api.IConnection;
import org.red5.server.api.Red5;
import org.red5.server.net.rtmp.codec.RTMPProtocolDecoder;
import org.red5.server.net.rtmp.codec.RTMPProtocolEncoder;
import org.red5.server.net.rtmp.message.Packet;

/**
 * Red5's own RTMP chunk codec driven by plain byte arrays: messages become chunked bytes
 * (RTMPProtocolEncoder) and bytes, in whatever pieces the socket gives them, become whole
 * messages (RTMPProtocolDecoder). The state both keep per chunk stream lives in a
 * {@link ClientRtmpConnection}; the encoder finds it as the thread's connection-local.
 */
final class RtmpChunkStream {
    private final ClientRtmpConnection conn;
    private final RTMPProtocolEncoder encoder = new RTMPProtocolEncoder();
    private final RTMPProtocolDecoder decoder = new RTMPProtocolDecoder();
    /** Bytes received and not yet decoded; heap-backed, because the decoder reads array(). */
    private final IoBuffer pending = IoBuffer.allocate(8192, false).setAutoExpand(true);

    RtmpChunkStream(ClientRtmpConnection conn) {
        this.conn = conn;
    }

    ClientRtmpConnection connection() {
        return conn;
    }

    /**
     * The bytes of one message. Headers are compressed against the previous message on the same
     * chunk stream, so callers must put the bytes on the wire in the order they were encoded.
     */
    synchronized byte[] encode(Packet packet) {
        IConnection previous = Red5.getConnectionLocal();
        Red5.setConnectionLocal(conn);
        try {
            IoBuffer out = encoder.encodePacket(packet);
            if (out == null) {
                throw new IllegalStateException("Red5's encoder dropped " + packet);
            }
            byte[] bytes = new byte[out.remaining()];
            out.get(bytes);
            out.free();
            return bytes;
        } finally {
            Red5.setConnectionLocal(previous);
        }
    }

    /** Feeds received bytes; returns the messages they complete (often none, sometimes several). */
    synchronized List<Packet> decode(byte[] bytes, int offset, int length) {
        IConnection previous = Red5.getConnectionLocal();
        Red5.setConnectionLocal(conn);
        try {
            pending.put(bytes, offset, length);
            pending.flip();
            // decodeBuffer compacts what it could not use yet, leaving the buffer ready for put()
            List<Object> decoded = decoder.decodeBuffer(conn, pending);
            List<Packet> packets = new ArrayList<>();
            if (decoded != null) {
                for (Object o : decoded) {
                    if (o instanceof Packet p) {
                        packets.add(p);
                    }
                }
            }
            return packets;
        } finally {
            Red5.setConnectionLocal(previous);
        }
    }
}
