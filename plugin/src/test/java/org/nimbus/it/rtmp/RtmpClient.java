package org.nimbus.it.rtmp;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.mina.core.buffer.IoBuffer;
import org.red5.server.api.IConnection;
import org.red5.server.api.service.IServiceCall;
import org.red5.server.net.rtmp.event.BytesRead;
import org.red5.server.net.rtmp.event.ChunkSize;
import org.red5.server.net.rtmp.event.FlexMessage;
import org.red5.server.net.rtmp.event.IRTMPEvent;
import org.red5.server.net.rtmp.event.Invoke;
import org.red5.server.net.rtmp.event.Notify;
import org.red5.server.net.rtmp.event.Ping;
import org.red5.server.net.rtmp.event.ServerBW;
import org.red5.server.net.rtmp.message.Header;
import org.red5.server.net.rtmp.message.Packet;
import org.red5.server.service.Call;
import org.red5.server.service.PendingCall;

/**
 * An RTMP NetConnection client for tests, on a plain socket: the handshake written by hand
 * ({@link SimpleHandshake}), and Red5's own chunk codec and AMF0/AMF3 serializers for
 * everything after it ({@link RtmpChunkStream}). It does what a Flash NetConnection does with
 * commands: {@code connect} with the command object, {@link #call} with transaction IDs and
 * {@code _result}/{@code _error}, calls from the server ({@link #awaitCall}) answered with
 * {@code _result}, pongs to the server's pings, and window acknowledgements.
 *
 * <pre>
 * try (RtmpClient c = RtmpClient.connect("rtmp://127.0.0.1:1935/nimbus", ObjectEncoding.AMF0)) {
 *     Object reply = c.call("registry", Map.of("op", "ping"));
 *     ServerCall pushed = c.awaitCall("onRegistry");
 * }
 * </pre>
 */
public final class RtmpClient implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Chunk stream IDs as Flash uses them: protocol control messages, and NetConnection commands. */
    private static final int CONTROL_CHUNK_STREAM = 2;
    private static final int COMMAND_CHUNK_STREAM = 3;
    private static final int CONNECT_TRANSACTION = 1;

    /** NetConnection.objectEncoding: how command arguments are serialized after the connect. */
    public enum ObjectEncoding {
        AMF0(IConnection.Encoding.AMF0, 0), AMF3(IConnection.Encoding.AMF3, 3);

        final IConnection.Encoding red5;
        final int number;

        ObjectEncoding(IConnection.Encoding red5, int number) {
            this.red5 = red5;
            this.number = number;
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final ObjectEncoding encoding;
    private final RtmpChunkStream stream;
    private final Object writeLock = new Object();
    private final AtomicInteger transactions = new AtomicInteger(CONNECT_TRANSACTION);
    private final Map<Integer, CompletableFuture<Invoke>> pending = new ConcurrentHashMap<>();
    private final Map<String, Function<List<Object>, Object>> answers = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<ServerCall> inbox = new LinkedBlockingQueue<>();
    private final List<ServerCall> backlog = new ArrayList<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final Thread reader;
    private long received;
    private long acknowledged;
    private volatile long ackWindow;
    private volatile Object connectInfo;
    private volatile boolean silent;

    private RtmpClient(Socket socket, ObjectEncoding encoding) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.encoding = encoding;
        this.stream = new RtmpChunkStream(new ClientRtmpConnection(encoding.red5, new ClientRtmpConnection.Transport() {
            @Override
            public void write(Packet packet) {
                try {
                    send(packet);
                } catch (IOException e) {
                    end(e);
                }
            }

            @Override
            public void writeRaw(IoBuffer bytes) {
                byte[] b = new byte[bytes.remaining()];
                bytes.get(b);
                try {
                    synchronized (writeLock) {
                        out.write(b);
                        out.flush();
                    }
                } catch (IOException e) {
                    end(e);
                }
            }

            @Override
            public void close() {
                end(new IOException("Red5's decoder gave up on the stream"));
            }
        }));
        this.reader = new Thread(this::readLoop, "rtmp-client-" + socket.getLocalPort());
        reader.setDaemon(true);
    }

    public static RtmpClient connect(String url, ObjectEncoding encoding) throws IOException, RtmpCallException {
        return connect(URI.create(url), encoding, Map.of());
    }

    /**
     * TCP connect, handshake, then the {@code connect} command to the URL's application (the
     * first path segment; rtmp://host:port/app). extraParams are added to the command object
     * (or replace its defaults); args follow it as the connect's arguments. Throws
     * {@link RtmpCallException} when the server rejects the connection.
     */
    public static RtmpClient connect(URI url, ObjectEncoding encoding, Map<String, Object> extraParams, Object... args)
            throws IOException, RtmpCallException {
        if (!"rtmp".equals(url.getScheme())) {
            throw new IllegalArgumentException("not an rtmp:// URL: " + url);
        }
        Socket socket = new Socket();
        RtmpClient client = null;
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(url.getHost(), url.getPort() < 0 ? 1935 : url.getPort()),
                    (int) TIMEOUT.toMillis());
            handshake(socket);
            client = new RtmpClient(socket, encoding);
            client.reader.start();
            Map<String, Object> command = new LinkedHashMap<>();
            command.put("app", url.getPath().replaceFirst("^/", ""));
            command.put("flashVer", "LNX 32,0,0,465");
            command.put("tcUrl", url.toString());
            command.put("fpad", false);
            command.put("capabilities", 239.0);
            command.put("audioCodecs", 3575.0);
            command.put("videoCodecs", 252.0);
            command.put("videoFunction", 1.0);
            command.put("objectEncoding", (double) encoding.number);
            command.putAll(extraParams);
            Invoke reply = client.request(CONNECT_TRANSACTION, "connect", args, command);
            Object info = result(reply, "connect");
            if (!(info instanceof Map<?, ?> m) || !"NetConnection.Connect.Success".equals(m.get("code"))) {
                throw new RtmpCallException("connect", info);
            }
            client.connectInfo = info;
            return client;
        } catch (IOException | RtmpCallException | RuntimeException e) {
            if (client != null) {
                client.close();
            } else {
                socket.close();
            }
            throw e;
        }
    }

    private static void handshake(Socket socket) throws IOException {
        socket.setSoTimeout((int) TIMEOUT.toMillis());
        SimpleHandshake hs = new SimpleHandshake(new SecureRandom());
        OutputStream o = socket.getOutputStream();
        o.write(hs.c0c1());
        o.flush();
        byte[] s0s1s2 = new byte[1 + 2 * SimpleHandshake.SIZE];
        new DataInputStream(socket.getInputStream()).readFully(s0s1s2);
        o.write(hs.c2(s0s1s2));
        o.flush();
        socket.setSoTimeout(0); // from now on the reader thread blocks until data or close
    }

    /** The info object of the connect's {@code _result} (code NetConnection.Connect.Success, …). */
    public Object connectInfo() {
        return connectInfo;
    }

    public ObjectEncoding encoding() {
        return encoding;
    }

    /** Calls a server method and waits for its result; an {@code _error} answer throws. */
    public Object call(String method, Object... args) throws IOException, RtmpCallException {
        return result(request(transactions.incrementAndGet(), method, args, null), method);
    }

    private Invoke request(int transaction, String method, Object[] args, Map<String, Object> connectParams)
            throws IOException {
        CompletableFuture<Invoke> answer = new CompletableFuture<>();
        pending.put(transaction, answer);
        if (closed.isDone()) {
            pending.remove(transaction);
            throw new IOException("the connection is closed");
        }
        Invoke invoke = connectParams != null || encoding == ObjectEncoding.AMF0 ? new Invoke() : new FlexMessage();
        invoke.setCall(new PendingCall(null, method, args));
        invoke.setTransactionId(transaction);
        if (connectParams != null) {
            invoke.setConnectionParams(connectParams); // the command object; connect is always AMF0
        }
        send(packet(COMMAND_CHUNK_STREAM, invoke));
        try {
            return answer.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.remove(transaction);
            throw new IOException("no answer to " + method + " within " + TIMEOUT);
        } catch (ExecutionException e) {
            throw new IOException("connection ended before the answer to " + method, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for " + method, e);
        }
    }

    private static Object result(Invoke reply, String method) throws RtmpCallException {
        IServiceCall call = reply.getCall();
        Object[] args = call.getArguments();
        Object first = args == null || args.length == 0 ? null : args[0];
        if ("_error".equals(call.getServiceMethodName())) {
            throw new RtmpCallException(method, first);
        }
        return first;
    }

    /** The value to answer the server's calls of method with (instead of null). */
    public void answer(String method, Function<List<Object>, Object> handler) {
        answers.put(method, handler);
    }

    /** Waits for a call from the server; calls not waited for stay for later waits. */
    public ServerCall awaitCall(Predicate<ServerCall> wanted, Duration timeout) throws InterruptedException {
        synchronized (backlog) {
            for (Iterator<ServerCall> it = backlog.iterator(); it.hasNext(); ) {
                ServerCall c = it.next();
                if (wanted.test(c)) {
                    it.remove();
                    return c;
                }
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                ServerCall c = inbox.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (c == null) {
                    throw new AssertionError("no matching server call within " + timeout + "; got " + backlog);
                }
                if (wanted.test(c)) {
                    return c;
                }
                backlog.add(c);
            }
        }
    }

    public ServerCall awaitCall(String method) throws InterruptedException {
        return awaitCall(c -> c.method().equals(method), TIMEOUT);
    }

    /** Set Chunk Size: from now on our messages go to the server in chunks of up to size bytes. */
    public void setChunkSize(int size) throws IOException {
        send(packet(CONTROL_CHUNK_STREAM, new ChunkSize(size)));
    }

    /**
     * From now on nothing more is sent, not even pongs or acknowledgements, while the socket
     * stays open and incoming data is still read: to the server this is a host that vanished
     * without closing its connection.
     */
    public void stopResponding() {
        silent = true;
    }

    /** Completes when the connection has ended, whoever ended it. */
    public CompletableFuture<Void> closed() {
        return closed;
    }

    @Override
    public void close() {
        end(null);
        if (Thread.currentThread() == reader) {
            return; // closed from a handler on the reader thread, which ends by itself
        }
        try {
            reader.join(TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Packet packet(int chunkStream, IRTMPEvent event) {
        Header h = new Header();
        h.setChannelId(chunkStream);
        h.setDataType(event.getDataType());
        h.setStreamId(0);
        h.setTimer(0);
        return new Packet(h, event);
    }

    private void send(Packet packet) throws IOException {
        synchronized (writeLock) { // encode and write in one order: headers are relative to the last one
            if (silent) {
                return;
            }
            out.write(stream.encode(packet));
            out.flush();
        }
    }

    private void readLoop() {
        Throwable cause = null;
        try {
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[16384];
            int n;
            while ((n = in.read(buf)) > 0) {
                acknowledge(n);
                for (Packet p : stream.decode(buf, 0, n)) {
                    dispatch(p.getMessage());
                }
            }
        } catch (IOException | RuntimeException e) {
            cause = e;
        }
        end(cause);
    }

    /** Window Acknowledgement: the server announced a window (ServerBW); tell it what we read. */
    private void acknowledge(int bytes) throws IOException {
        received += bytes;
        long window = ackWindow;
        if (window > 0 && received - acknowledged >= window) {
            acknowledged = received;
            send(packet(CONTROL_CHUNK_STREAM, new BytesRead((int) received)));
        }
    }

    private void dispatch(IRTMPEvent message) throws IOException {
        if (message instanceof Ping ping) {
            if (ping.getEventType() == Ping.PING_CLIENT) {
                send(packet(CONTROL_CHUNK_STREAM, new Ping(Ping.PONG_SERVER, ping.getValue2())));
            }
        } else if (message instanceof ServerBW bw) {
            ackWindow = bw.getBandwidth();
        } else if (message instanceof Notify notify && notify.getCall() != null) {
            IServiceCall call = notify.getCall();
            String method = call.getServiceName() == null ? call.getServiceMethodName()
                    : call.getServiceName() + "." + call.getServiceMethodName();
            if (notify instanceof Invoke invoke && (method.equals("_result") || method.equals("_error"))) {
                CompletableFuture<Invoke> answer = pending.remove(invoke.getTransactionId());
                if (answer != null) {
                    answer.complete(invoke);
                }
                return;
            }
            Object[] a = call.getArguments();
            List<Object> args = Collections.unmodifiableList(a == null ? List.of() : Arrays.asList(a));
            if (notify instanceof Invoke invoke && invoke.getTransactionId() != 0) {
                // the server keeps a pending call per transaction until the client answers it
                Function<List<Object>, Object> handler = answers.get(method);
                Object value = handler == null ? null : handler.apply(args);
                PendingCall result = new PendingCall(null, method, null);
                result.setResult(value);
                result.setStatus(value == null ? Call.STATUS_SUCCESS_NULL : Call.STATUS_SUCCESS_RESULT);
                Invoke answer = encoding == ObjectEncoding.AMF0 ? new Invoke() : new FlexMessage();
                answer.setCall(result);
                answer.setTransactionId(invoke.getTransactionId());
                send(packet(COMMAND_CHUNK_STREAM, answer));
            }
            inbox.add(new ServerCall(method, args));
        }
        // ChunkSize is applied by the decoder itself; audio, video and the rest are not for this client
    }

    private synchronized void end(Throwable cause) {
        if (closed.isDone()) {
            return;
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        IOException failure = new IOException("connection closed", cause);
        pending.values().forEach(f -> f.completeExceptionally(failure));
        pending.clear();
        closed.complete(null);
    }
}
