package org.nimbus.it.rtmp;

import org.apache.mina.core.buffer.IoBuffer;
import org.red5.server.api.IConnection;
import org.red5.server.net.rtmp.RTMPConnection;
import org.red5.server.net.rtmp.codec.RTMP;
import org.red5.server.net.rtmp.message.Packet;

/**
 * The client end's RTMP state as Red5's codec wants it: RTMPProtocolDecoder takes an
 * RTMPConnection (chunk sizes, last headers per chunk stream, decode state, object encoding),
 * and RTMPProtocolEncoder finds the same through Red5.getConnectionLocal(). It joins no scope;
 * what Red5 code would write or close on it goes to the {@link Transport} of its owner.
 */
final class ClientRtmpConnection extends RTMPConnection {
    /** Where the connection's writes and close go. */
    interface Transport {
        void write(Packet packet);

        void writeRaw(IoBuffer bytes);

        void close();
    }

    private final Transport transport;

    ClientRtmpConnection(IConnection.Encoding encoding, Transport transport) {
        super(IConnection.Type.PERSISTENT.name().toLowerCase());
        this.transport = transport;
        // the handshake is over before the codec sees a byte, and the decoder only decodes when connected
        getState().setState(RTMP.STATE_CONNECTED);
        getState().setEncoding(encoding);
    }

    @Override
    public void write(Packet packet) {
        transport.write(packet);
    }

    @Override
    public void writeRaw(IoBuffer bytes) {
        transport.writeRaw(bytes);
    }

    @Override
    protected void onInactive() {
        // Red5 calls this from its keep-alive task, which only a server connection schedules
    }

    /** Also what Red5's decoder calls when it cannot parse the stream. */
    @Override
    public void close() {
        getState().setState(RTMP.STATE_DISCONNECTED);
        transport.close();
    }
}
