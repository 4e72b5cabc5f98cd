package org.nimbus.it.rtmp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.mina.core.buffer.IoBuffer;
import org.red5.io.amf.AMF;
import org.red5.io.object.Deserializer;
import org.red5.server.api.IConnection;
import org.red5.server.api.Red5;
import org.red5.server.net.rtmp.RTMPConnection;
import org.red5.server.net.rtmp.codec.RTMPProtocolDecoder;
import org.red5.server.net.rtmp.codec.RTMPProtocolEncoder;
import org.red5.server.net.rtmp.event.IRTMPEvent;
import org.red5.server.net.rtmp.event.Invoke;
import org.red5.server.net.rtmp.message.Constants;
import org.red5.server.net.rtmp.message.Header;
import org.red5.server.net.rtmp.message.Packet;
import org.red5.server.service.PendingCall;

/**
 * Red5's own RTMP chunk codec driven by plain byte arrays: messages become chunked bytes
 * (RTMPProtocolEncoder) and bytes, in whatever pieces the socket gives them, become whole
 * messages (RTMPProtocolDecoder). The state both keep per chunk stream lives in a
 * {@link ClientRtmpConnection}; the encoder finds it as the thread's connection-local.
 */
final class RtmpChunkStream {
    private final ClientRtmpConnection conn;
    private final RTMPProtocolEncoder encoder = new RTMPProtocolEncoder();
    private final RTMPProtocolDecoder decoder = new AvmPlusAwareDecoder();
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

    /**
     * Red5 writes the commands of an AMF3 connection as AMF0 command messages whose values
     * switch to AMF3 with the AVM+ marker (0x11), which Flash reads. Red5's own decodeAction
     * reads such a message with a plain AMF0 Input, which has no switch (a server never receives
     * them: Flash sends AMF3 commands as type 0x11 messages). Here each value gets Red5's AMF3
     * Input, which reads AMF0 and follows the marker; the rest is Red5's decoder unchanged.
     */
    static final class AvmPlusAwareDecoder extends RTMPProtocolDecoder {
        @Override
        public IRTMPEvent decodeMessage(RTMPConnection conn, Header header, IoBuffer in) {
            if (header.getDataType() != Constants.TYPE_INVOKE || conn.getEncoding() != IConnection.Encoding.AMF3) {
                return super.decodeMessage(conn, header, in);
            }
            org.red5.io.amf3.Input.RefStorage refs = new org.red5.io.amf3.Input.RefStorage();
            String action = Deserializer.deserialize(new org.red5.io.amf.Input(in), String.class);
            Number transaction = Deserializer.deserialize(new org.red5.io.amf.Input(in), Number.class);
            Object command = in.hasRemaining() ? value(in, refs) : null;
            List<Object> args = new ArrayList<>();
            while (in.hasRemaining()) {
                args.add(value(in, refs));
            }
            Invoke invoke = new Invoke();
            invoke.setTransactionId(transaction == null ? 0 : transaction.intValue());
            if (command instanceof Map<?, ?>) {
                @SuppressWarnings("unchecked")
                Map<String, Object> params = (Map<String, Object>) command;
                invoke.setConnectionParams(params); // as decodeAction: a command object is not an argument
            } else if (command != null) {
                args.add(0, command);
            }
            int dot = action.lastIndexOf('.');
            invoke.setCall(new PendingCall(dot < 0 ? null : action.substring(0, dot), action.substring(dot + 1), args.toArray()));
            invoke.setHeader(header);
            return invoke;
        }

        private static Object value(IoBuffer in, org.red5.io.amf3.Input.RefStorage refs) {
            if (in.get(in.position()) == AMF.TYPE_AMF3_OBJECT) {
                return Deserializer.deserialize(new org.red5.io.amf3.Input(in, refs), Object.class);
            }
            return Deserializer.deserialize(new org.red5.io.amf.Input(in), Object.class);
        }
    }
}
