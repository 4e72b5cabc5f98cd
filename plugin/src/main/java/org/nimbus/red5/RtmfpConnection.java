package org.nimbus.red5;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.mina.core.buffer.IoBuffer;
import java.util.HexFormat;
import org.nimbus.tc.Replies;
import org.nimbus.tc.TcFlowService;
import org.nimbus.tc.AmfBounds;
import org.nimbus.tc.TcFormatException;
import org.nimbus.tc.TcMessage;
import org.nimbus.tc.TcSession;
import org.red5.server.api.IConnection;
import org.red5.server.api.Red5;
import org.red5.server.net.rtmp.IRTMPHandler;
import org.red5.server.net.rtmp.RTMPConnection;
import org.red5.server.net.rtmp.codec.RTMP;
import org.red5.server.net.rtmp.codec.RTMPProtocolDecoder;
import org.red5.server.net.rtmp.codec.RTMPProtocolEncoder;
import org.red5.server.net.rtmp.event.IRTMPEvent;
import org.red5.server.net.rtmp.event.Invoke;
import org.red5.server.net.rtmp.status.Status;
import org.red5.server.net.rtmp.message.Header;
import org.red5.server.net.rtmp.message.Packet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An RTMFP NetConnection as Red5 sees it: an {@link RTMPConnection} whose messages travel on
 * RTMFP flows instead of RTMP chunk streams (RFC 7425 §5.1: TC messages are RTMP messages).
 * Extending RTMPConnection gives RTMFP clients everything RTMP clients have (scopes, services,
 * server-to-client invoke, stream IDs, publish and play through Red5's StreamService) with only
 * the framing replaced: {@link #write} encodes Red5's message bodies with Red5's encoder and
 * posts them to the RTMFP loop; {@link #receive} decodes TC messages with Red5's decoder on the
 * connection's own executor and hands them to Red5's RTMP handler.
 */
public final class RtmfpConnection extends RTMPConnection {
    private static final Logger log = LoggerFactory.getLogger(RtmfpConnection.class);
    private static final RTMPProtocolEncoder ENCODER = new RTMPProtocolEncoder();
    private static final RTMPProtocolDecoder DECODER = new RTMPProtocolDecoder();
    /**
     * Stands in for the single-thread executor every RTMPConnection builds for received RTMP
     * packets (RTMPConnection.handleMessageReceived), which an RTMFP connection never uses: its
     * messages go through {@link #inbound}. Red5 1.3.17 never shuts that executor down, so each one
     * stayed reachable until finalization: about 0.5 KB per connection.
     */
    private static final java.util.concurrent.ExecutorService NO_RTMP_PACKETS = shutDown();
    /** RTMP's command channel of the NetConnection, where Red5 writes stream-0 replies. */
    private static final int NETCONNECTION_CHANNEL = 3;

    private final TcFlowService tc;
    private final TcSession session;
    private final SerialExecutor inbound;
    private final AtomicLong readBytes = new AtomicLong();
    private final AtomicLong writtenBytes = new AtomicLong();
    private final int maxStreams;
    private volatile boolean sessionGone;
    private boolean loggedUndecodable;

    RtmfpConnection(TcFlowService tc, TcSession session, InetSocketAddress remote, Executor pool, IRTMPHandler handler,
                    int maxStreams) {
        super(IConnection.Type.PERSISTENT.name().toLowerCase());
        receivedPacketExecutor.shutdown();
        receivedPacketExecutor = NO_RTMP_PACKETS;
        this.tc = tc;
        this.session = session;
        this.maxStreams = maxStreams;
        this.inbound = new SerialExecutor(pool);
        this.remoteAddress = remote.getAddress().getHostAddress();
        this.remoteAddresses = List.of(remoteAddress);
        this.remotePort = remote.getPort();
        setHandler(handler);
        // Red5 1.3.17's StreamService.deleteStream closes a connection's streams only for a
        // PUBLISHER (later Red5 dropped the test), and close() goes through it: without this a
        // publisher's name stayed taken after it left (NetStream.Publish.BadName) and players
        // never got UnpublishNotify. Every stream of an RTMFP connection ends with it.
        setDuty(Duty.PUBLISHER);
        // The RTMFP handshake is the transport's; for Red5 the connection is ready for connect.
        setStateCode(RTMP.STATE_CONNECTED);
    }

    private static java.util.concurrent.ExecutorService shutDown() {
        java.util.concurrent.ExecutorService e = java.util.concurrent.Executors.newSingleThreadExecutor();
        e.shutdown();
        return e;
    }

    /** The TC session (the RTMFP side) of this connection. */
    public TcSession tcSession() {
        return session;
    }

    /** The client's peer ID in hex: its NetConnection.nearID. */
    public String peerId() {
        return session.peerIdHex();
    }

    @Override
    public String getProtocol() {
        return "rtmfp";
    }

    /** Runs Red5-side work for this connection, in order, off the RTMFP loop. */
    void inbound(Runnable task) {
        inbound.execute(() -> {
            Red5.setConnectionLocal(this);
            try {
                task.run();
            } finally {
                Red5.setConnectionLocal(null);
            }
        });
    }

    /** From the loop: a TC message of this NetConnection for Red5. */
    void receive(long streamId, TcMessage m) {
        readBytes.addAndGet(m.body().length + TcMessage.HEADER_SIZE);
        inbound(() -> dispatch(streamId, m));
    }

    private void dispatch(long streamId, TcMessage m) {
        Packet packet;
        try {
            packet = toPacket(streamId, m);
        } catch (TcFormatException e) {
            undecodable(streamId, m, e.getMessage());
            return;
        }
        if (packet == null) {
            return;
        }
        // RTMPConnection.isValidStreamId means "reserved and not yet created", hence the first test
        if (streamId != 0 && getStreamById(streamId) == null && !isValidStreamId(streamId)) {
            // A flow of a stream the NetConnection never created (§5.2): tell this client only.
            if (m.isCommand()) {
                streamStatus(streamId, "NetStream.Failed", "stream " + streamId + " was not created with createStream");
            }
            return;
        }
        if (streamId != 0 && packet.getMessage() instanceof Invoke command && command.getCall() != null) {
            String problem = StreamNames.problem(command.getCall().getServiceMethodName(), command.getCall().getArguments());
            if (problem != null) {
                streamStatus(streamId, "NetStream.Failed", problem);
                return;
            }
        }
        if (streamId == 0 && packet.getMessage() instanceof Invoke invoke && invoke.getCall() != null
                && "createStream".equals(invoke.getCall().getServiceMethodName()) && reservedStreams.size() >= maxStreams) {
            double tx = invoke.getTransactionId();
            post(s -> s.write(0, Replies.callFailed(tx, Replies.CALL_FAILED,
                    "createStream: this NetConnection already holds " + maxStreams + " streams"), tc.now()));
            return;
        }
        try {
            getHandler().messageReceived(this, packet);
        } catch (Exception e) {
            log.warn("RTMFP {}: message on stream {} failed: {}", sessionId, streamId, e.toString());
        }
    }

    /**
     * A command that does not decode: the client gets a reply naming the problem (an _error on
     * the NetConnection, NetStream.Failed on a stream); the log gets it once per connection.
     */
    private void undecodable(long streamId, TcMessage m, String problem) {
        if (!loggedUndecodable) {
            loggedUndecodable = true;
            byte[] b = m.body();
            log.warn("RTMFP {} ({}): command of type 0x{} on stream {} does not decode: {}; first bytes {}", sessionId,
                    peerId(), Integer.toHexString(m.type()), streamId, problem,
                    HexFormat.of().formatHex(b, 0, Math.min(b.length, 32)));
        }
        String description = "the command does not decode: " + problem;
        if (streamId == 0) {
            post(s -> s.write(0, Replies.callFailed(0, Replies.CALL_BAD_VALUE, description), tc.now()));
        } else {
            streamStatus(streamId, "NetStream.Failed", description);
        }
    }

    private void streamStatus(long streamId, String code, String description) {
        status(new Status(code, "error", description), getChannelIdForStreamId(streamId));
    }

    /**
     * TC message → Red5 packet: commands through {@link CommandDecoder} (a
     * {@link TcFormatException} when they do not decode), everything else through Red5's own
     * decoder (null when it does not decode).
     */
    /**
     * A message other than a command through Red5's own decoder; null when it does not decode.
     * Data messages (onMetaData, @setDataFrame: AMF0 values, in type 0x0f after a 0x00) are
     * bounded first, as commands are (AmfBounds: Red5 sizes arrays from their declared counts).
     */
    static IRTMPEvent decodeOther(RTMPConnection conn, Header h, TcMessage m) {
        byte[] body = m.body();
        try {
            if (m.type() == TcMessage.DATA_AMF0 || m.type() == TcMessage.DATA_AMF3) {
                AmfBounds.check(body, m.type() == TcMessage.DATA_AMF3 && body.length > 0 && body[0] == 0 ? 1 : 0);
            }
            return DECODER.decodeMessage(conn, h, IoBuffer.wrap(body));
        } catch (RuntimeException e) {
            return null;
        }
    }

    Packet toPacket(long streamId, TcMessage m) {
        Header h = new Header();
        h.setDataType((byte) m.type());
        h.setStreamId((int) streamId);
        h.setTimer((int) m.timestamp());
        h.setSize(m.body().length);
        h.setChannelId(streamId == 0 ? NETCONNECTION_CHANNEL : getChannelIdForStreamId(streamId));
        IRTMPEvent event = m.isCommand() ? CommandDecoder.decode(m) : decodeOther(this, h, m);
        if (event == null) {
            return null;
        }
        event.setHeader(h);
        event.setTimestamp((int) m.timestamp());
        return new Packet(h, event);
    }

    /**
     * Red5 1.3.17 reserves any stream ID a client names in {@code createStream(id)}, without
     * bound; RTMFP clients never name one, so the next free ID is reserved instead and
     * {@code tc.max_streams} bounds them all.
     */
    @Override
    public Number reserveStreamId(Number streamId) {
        return reserveStreamId();
    }

    /** Red5 → client: the message body through Red5's encoder, onto the stream's flow. */
    @Override
    public void write(Packet packet) {
        Header h = packet.getHeader();
        IRTMPEvent event = packet.getMessage();
        byte type = h.getDataType();
        if (TcMessage.isChunkStreamControl(type) || sessionGone) {
            return;
        }
        IConnection previous = Red5.getConnectionLocal();
        Red5.setConnectionLocal(this); // Red5's command encoder reads the AMF encoding from it
        IoBuffer body;
        try {
            body = ENCODER.encodeMessage(h, event);
        } catch (RuntimeException e) {
            log.warn("RTMFP {}: cannot encode {}: {}", sessionId, event, e.toString());
            return;
        } finally {
            Red5.setConnectionLocal(previous);
        }
        if (body == null) {
            return;
        }
        // as Red5's own packet encoder: a buffer just written is flipped, a wrapped one rewound
        if (body.position() != 0) {
            body.flip();
        } else {
            body.rewind();
        }
        byte[] bytes = new byte[body.remaining()];
        body.get(bytes);
        long streamId = h.getStreamId().longValue();
        TcMessage m = new TcMessage(type, h.getTimer() & 0xffffffffL, bytes);
        writtenBytes.addAndGet(bytes.length + TcMessage.HEADER_SIZE);
        writtenMessages.incrementAndGet();
        post(s -> s.write(streamId, m, tc.now()));
    }

    void post(java.util.function.Consumer<TcSession> action) {
        tc.post(session, action);
    }

    @Override
    public void writeRaw(IoBuffer out) {
        // Raw bytes are RTMP handshake and RTMPT framing: nothing of that exists over RTMFP.
        log.debug("RTMFP {}: raw write of {} bytes ignored", sessionId, out.remaining());
    }

    @Override
    public void deleteStreamById(Number streamId) {
        super.deleteStreamById(streamId);
        long id = streamId.longValue();
        post(s -> s.closeStream(id));
    }

    /** Red5 (the application, or a disconnect) closes the connection: the RTMFP session ends too. */
    @Override
    public void close() {
        super.close();
        if (!sessionGone) {
            post(s -> s.close(tc.now()));
        }
    }

    /** The RTMFP session ended first: release everything on the Red5 side. */
    void sessionClosed() {
        sessionGone = true;
        inbound(this::close);
    }

    /** A refused connect: drop the Red5 side; the TC session ends once the client has the refusal. */
    void discard() {
        sessionGone = true;
        super.close();
    }

    @Override
    protected void onInactive() {
        // Liveness is the RTMFP session's business (keepalive and idle timeout).
    }

    @Override
    public long getReadBytes() {
        return readBytes.get();
    }

    @Override
    public long getWrittenBytes() {
        return writtenBytes.get();
    }
}
