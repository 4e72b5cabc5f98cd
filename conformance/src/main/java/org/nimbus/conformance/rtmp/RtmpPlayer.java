package org.nimbus.conformance.rtmp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.nimbus.conformance.tc.AmfObject;
import org.nimbus.conformance.tc.Command;
import org.nimbus.conformance.tc.ConnectStyle;
import org.nimbus.conformance.tc.TcMessage;
import org.nimbus.conformance.wire.WireFormatException;

/**
 * A minimal RTMP player written from the Adobe RTMP specification 1.0: the plain handshake
 * (§5.2), {@code connect} (§7.2.1.1), {@code createStream} (§7.2.1.3) and {@code play}
 * (§7.2.2.1) in AMF0, then the stream's messages. It keeps the protocol's obligations while it
 * plays: Acknowledgement once the server's window is received (§5.4.3, §5.4.4), a Window
 * Acknowledgement Size answer to Set Peer Bandwidth (§5.4.5), PingResponse to PingRequest
 * (§7.1.7). No digest handshake: a server that needs one (Flash Media Server's H.264
 * protection) is out of scope; Red5 takes the plain one.
 *
 * <p>The socket is non-blocking throughout: the setup steps wait with a selector of the
 * player's own; once playing, {@link #pump} reads whatever has arrived without blocking, so a
 * few threads can drive many players from one selector ({@link #channel()}).
 */
public final class RtmpPlayer implements AutoCloseable {
    /** §5.2.2: the RTMP version this player speaks. */
    static final int VERSION = 3;
    /** §5.2.3: C1/S1/C2/S2 length. */
    static final int HANDSHAKE_SIZE = 1536;
    /** The chunk size this player announces (§5.4.1); its commands are small anyway. */
    static final int OUT_CHUNK_SIZE = 4096;
    private static final int CONTROL_CSID = 2;
    private static final int COMMAND_CSID = 3;
    private static final int STREAM_CSID = 8;

    private final SocketChannel channel;
    private final Selector own;
    private final ChunkReader reader = new ChunkReader();
    private final ChunkWriter writer = new ChunkWriter();
    private final ByteBuffer in = ByteBuffer.allocate(65536);
    private final Deque<RtmpMessage> pending = new ArrayDeque<>();
    private final String app;
    private final String tcUrl;
    private long received;
    private long acknowledged;
    private long windowAckSize;
    private long windowAckSent = -1;
    private double transaction = 1;
    private boolean ended;
    private AmfObject connectInfo;

    private RtmpPlayer(SocketChannel channel, String app, String tcUrl) throws IOException {
        this.channel = channel;
        this.own = Selector.open();
        this.app = app;
        this.tcUrl = tcUrl;
    }

    /**
     * TCP connect, handshake, Set Chunk Size, then {@code connect} to the URL's application
     * ({@code rtmp://host[:port]/app}); throws unless the answer is NetConnection.Connect.Success.
     */
    public static RtmpPlayer connect(URI url, Duration timeout) throws IOException {
        if (!"rtmp".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("expected rtmp://host[:port]/app, got " + url);
        }
        String path = url.getPath() == null ? "" : url.getPath().replaceFirst("^/+", "").replaceFirst("/+$", "");
        if (path.isEmpty()) {
            throw new IllegalArgumentException("no application in " + url);
        }
        int port = url.getPort() < 0 ? 1935 : url.getPort();
        String tcUrl = "rtmp://" + url.getHost() + ":" + port + "/" + path;
        long deadline = System.nanoTime() + timeout.toNanos();
        SocketChannel ch = SocketChannel.open();
        RtmpPlayer p = null;
        try {
            ch.configureBlocking(false);
            ch.socket().setTcpNoDelay(true);
            p = new RtmpPlayer(ch, path, tcUrl);
            if (!ch.connect(new InetSocketAddress(url.getHost(), port))) {
                p.await(SelectionKey.OP_CONNECT, deadline, "TCP connect to " + url.getHost() + ":" + port);
                ch.finishConnect();
            }
            p.handshake(deadline);
            p.sendControl(RtmpMessage.SET_CHUNK_SIZE, be32(OUT_CHUNK_SIZE));
            p.writer.chunkSize(OUT_CHUNK_SIZE);
            p.connectApp(deadline);
            return p;
        } catch (IOException | RuntimeException e) {
            if (p != null) {
                p.close();
            } else {
                ch.close();
            }
            throw e;
        }
    }

    /** §5.2.2-§5.2.5: C0+C1, read S0+S1, C2 echoes S1, read S2 (which must echo C1). */
    private void handshake(long deadline) throws IOException {
        byte[] c1 = new byte[HANDSHAKE_SIZE];
        new SecureRandom().nextBytes(c1);
        // §5.2.3: time (0 is allowed), then four zero bytes, then 1528 random bytes
        Arrays.fill(c1, 0, 8, (byte) 0);
        byte[] c0c1 = new byte[1 + HANDSHAKE_SIZE];
        c0c1[0] = VERSION;
        System.arraycopy(c1, 0, c0c1, 1, HANDSHAKE_SIZE);
        write(c0c1, deadline);
        byte[] s0s1 = readRaw(1 + HANDSHAKE_SIZE, deadline, "S0+S1");
        if (s0s1[0] != VERSION) {
            throw new RtmpProtocolException("S0 names version " + (s0s1[0] & 0xff) + " (§5.2.2: 3 expected)");
        }
        // §5.2.4: C2 = S1's time, the time S1 was read (our epoch: 0 at C1), S1's random echoed
        byte[] c2 = Arrays.copyOfRange(s0s1, 1, 1 + HANDSHAKE_SIZE);
        long readAt = 0;
        c2[4] = (byte) (readAt >> 24);
        c2[5] = (byte) (readAt >> 16);
        c2[6] = (byte) (readAt >> 8);
        c2[7] = (byte) readAt;
        write(c2, deadline);
        byte[] s2 = readRaw(HANDSHAKE_SIZE, deadline, "S2");
        if (!Arrays.equals(s2, 8, HANDSHAKE_SIZE, c1, 8, HANDSHAKE_SIZE)) {
            throw new RtmpProtocolException("S2 does not echo C1's random bytes (§5.2.4)");
        }
    }

    private void connectApp(long deadline) throws IOException {
        AmfObject o = new AmfObject().with("app", app).with("flashVer", ConnectStyle.FLASH.flashVer)
                .with("swfUrl", "").with("tcUrl", tcUrl).with("fpad", false).with("capabilities", 239.0)
                .with("audioCodecs", 3575.0).with("videoCodecs", 252.0).with("videoFunction", 1.0)
                .with("pageUrl", "").with("objectEncoding", 0.0);
        Command reply = call("connect", 1.0, List.of(o), deadline);
        AmfObject info = reply.infoObject();
        if (!reply.isResult() || info == null || !"NetConnection.Connect.Success".equals(info.string("code"))) {
            throw new RtmpCallException("connect to '" + app + "' answered " + reply);
        }
        connectInfo = info;
    }

    public AmfObject connectInfo() {
        return connectInfo;
    }

    /** §7.2.1.3: a new message stream; its ID. */
    public long createStream(Duration timeout) throws IOException {
        Command reply = call("createStream", ++transaction, Arrays.asList((Object) null),
                System.nanoTime() + timeout.toNanos());
        Object id = reply.args().isEmpty() ? null : reply.args().get(reply.args().size() - 1);
        if (!reply.isResult() || !(id instanceof Double d) || d < 1) {
            throw new RtmpCallException("createStream answered " + reply);
        }
        return d.longValue();
    }

    /**
     * §7.2.2.1: {@code play(name, start)} on the stream (start -2000: live if there is one, as
     * Flash sends it in milliseconds), then waits for NetStream.Play.Start; a Play.Reset before it
     * is passed over. Throws on an error status.
     */
    public void play(long streamId, String name, Duration timeout) throws IOException {
        byte[] body = new Command("play", 0, Arrays.asList(null, name, -2000.0)).toMessage(TcMessage.COMMAND_AMF0).body();
        send(STREAM_CSID, RtmpMessage.COMMAND_AMF0, streamId, body, System.nanoTime() + timeout.toNanos());
        RtmpMessage m = await(x -> {
            String code = statusCode(x, streamId);
            return code != null && !"NetStream.Play.Reset".equals(code);
        }, timeout);
        String code = statusCode(m, streamId);
        if (!"NetStream.Play.Start".equals(code)) {
            throw new RtmpCallException("play('" + name + "') answered " + code);
        }
    }

    /** The onStatus code of a command message on the given stream, or null. */
    public static String statusCode(RtmpMessage m, long streamId) {
        Command c = command(m);
        if (c == null || m.streamId() != streamId || !"onStatus".equals(c.name())) {
            return null;
        }
        AmfObject info = c.infoObject();
        return info == null ? null : info.string("code");
    }

    /** An AMF0 command message decoded, or null for anything else. */
    public static Command command(RtmpMessage m) {
        if (m.type() != RtmpMessage.COMMAND_AMF0) {
            return null;
        }
        try {
            return Command.fromMessage(new TcMessage(TcMessage.COMMAND_AMF0, m.timestamp(), m.body()));
        } catch (WireFormatException | IndexOutOfBoundsException e) {
            return null;
        }
    }

    private Command call(String name, double tx, List<Object> args, long deadline) throws IOException {
        byte[] body = new Command(name, tx, args).toMessage(TcMessage.COMMAND_AMF0).body();
        send(COMMAND_CSID, RtmpMessage.COMMAND_AMF0, 0, body, deadline);
        RtmpMessage m = await(x -> {
            Command c = command(x);
            return c != null && (c.isResult() || c.isError()) && c.transactionId() == tx;
        }, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        return command(m);
    }

    /** Waits (pumping) for a message that matches; others stay queued for later. */
    public RtmpMessage await(Predicate<RtmpMessage> match, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Iterator<RtmpMessage> it = pending.iterator(); it.hasNext(); ) {
                RtmpMessage m = it.next();
                if (match.test(m)) {
                    it.remove();
                    return m;
                }
            }
            if (ended) {
                throw new IOException("the server closed the connection");
            }
            await(SelectionKey.OP_READ, deadline, "a message from the server");
            pump(pending::add);
        }
    }

    /** The TCP socket, for a selector that calls {@link #pump} when it is readable. */
    public SocketChannel channel() {
        return channel;
    }

    /** Whether the server ended the connection. */
    public boolean ended() {
        return ended;
    }

    /** Bytes received on the connection, handshake included. */
    public long bytesReceived() {
        return received;
    }

    /**
     * Reads what has arrived without blocking; every message but the protocol's own business
     * (control, acknowledgements, pings) goes to the sink. Returns false once the connection ended.
     */
    public boolean pump(Consumer<RtmpMessage> sink) throws IOException {
        while (!ended) {
            in.clear();
            int n = channel.read(in);
            if (n < 0) {
                ended = true;
                break;
            }
            if (n == 0) {
                break;
            }
            received += n;
            reader.feed(in.array(), 0, n);
            for (RtmpMessage m; (m = reader.next()) != null; ) {
                if (!handled(m)) {
                    sink.accept(m);
                }
            }
            // §5.4.3: acknowledge after each window's worth of bytes; the count wraps at 32 bits
            if (windowAckSize > 0 && received - acknowledged >= windowAckSize) {
                acknowledged = received;
                sendControl(RtmpMessage.ACKNOWLEDGEMENT, be32(received & 0xffffffffL));
            }
        }
        return !ended;
    }

    /** Protocol business the player answers itself. */
    private boolean handled(RtmpMessage m) throws IOException {
        byte[] b = m.body();
        switch (m.type()) {
            case RtmpMessage.WINDOW_ACK_SIZE -> {
                if (b.length >= 4) {
                    windowAckSize = ChunkReader.be32(b);
                }
                return true;
            }
            case RtmpMessage.SET_PEER_BANDWIDTH -> {
                // §5.4.5: answer with Window Acknowledgement Size when it differs from the last one sent
                if (b.length >= 4) {
                    long window = ChunkReader.be32(b);
                    if (window != windowAckSent) {
                        windowAckSent = window;
                        sendControl(RtmpMessage.WINDOW_ACK_SIZE, be32(window));
                    }
                }
                return true;
            }
            case RtmpMessage.USER_CONTROL -> {
                // §7.1.7: event type (2 bytes), then its data; PingRequest (6) wants PingResponse (7) with its timestamp
                if (b.length >= 6 && ((b[0] & 0xff) << 8 | (b[1] & 0xff)) == 6) {
                    sendControl(RtmpMessage.USER_CONTROL, new byte[] {0, 7, b[2], b[3], b[4], b[5]});
                }
                return true;
            }
            case RtmpMessage.SET_CHUNK_SIZE, RtmpMessage.ABORT, RtmpMessage.ACKNOWLEDGEMENT -> {
                return true; // the reader applied the first two; the server's acknowledgements need nothing
            }
            default -> {
                return false;
            }
        }
    }

    private void sendControl(int type, byte[] body) throws IOException {
        send(CONTROL_CSID, type, 0, body, System.nanoTime() + 5_000_000_000L);
    }

    private void send(int csid, int type, long streamId, byte[] body, long deadline) throws IOException {
        write(writer.encode(csid, type, 0, streamId, body), deadline);
    }

    private void write(byte[] bytes, long deadline) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            if (channel.write(b) == 0) {
                await(SelectionKey.OP_WRITE, deadline, "room to send");
            }
        }
    }

    /** Handshake bytes, read before the chunk stream starts. */
    private byte[] readRaw(int n, long deadline, String what) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            int r = channel.read(b);
            if (r < 0) {
                throw new IOException("the server closed the connection during the handshake (" + what + ")");
            }
            if (r == 0) {
                await(SelectionKey.OP_READ, deadline, what);
            }
            received += r;
        }
        return b.array();
    }

    private void await(int op, long deadline, String what) throws IOException {
        SelectionKey key = channel.register(own, op);
        try {
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    throw new IOException("timed out waiting for " + what);
                }
                if (own.select(left) > 0) {
                    own.selectedKeys().clear();
                    return;
                }
            }
        } finally {
            key.interestOps(0);
        }
    }

    private static byte[] be32(long v) {
        return new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v};
    }

    @Override
    public void close() throws IOException {
        try {
            own.close();
        } finally {
            channel.close();
        }
    }
}
