package org.nimbus.it;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Registry clients for the integration tests, written from docs/registry-protocol.md alone
 * (they share no code with the server): a plain java.net.Socket, and the JDK's WebSocket client.
 */
final class RegistryClients {
    static final Duration WAIT = Duration.ofSeconds(10);

    private RegistryClients() {
    }

    static byte[] frame(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + b.length).putInt(b.length).put(b).array();
    }

    /** Frames in, with waiting for a given one; frames not waited for stay for later waits. */
    abstract static class Client implements AutoCloseable {
        private final LinkedBlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();
        private final List<JsonObject> backlog = new ArrayList<>();
        final CompletableFuture<Void> closedByServer = new CompletableFuture<>();

        abstract void sendBytes(byte[] bytes) throws Exception;

        void send(String json) throws Exception {
            sendBytes(frame(json));
        }

        void received(byte[] body) {
            inbox.add(JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject());
        }

        JsonObject await(Predicate<JsonObject> wanted, Duration timeout) throws InterruptedException {
            for (Iterator<JsonObject> it = backlog.iterator(); it.hasNext(); ) {
                JsonObject o = it.next();
                if (wanted.test(o)) {
                    it.remove();
                    return o;
                }
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                JsonObject o = inbox.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (o == null) {
                    throw new AssertionError("no matching frame within " + timeout + "; got " + backlog);
                }
                if (wanted.test(o)) {
                    return o;
                }
                backlog.add(o);
            }
        }

        JsonObject await(String op) throws InterruptedException {
            return await(o -> op.equals(o.get("op").getAsString()), WAIT);
        }

        /** Sends a request with an id and waits for the frame carrying that id. */
        JsonObject call(String json) throws Exception {
            String id = Long.toString(System.nanoTime());
            send(json.replaceFirst("\\{", "{\"id\":\"" + id + "\","));
            return await(o -> o.has("id") && id.equals(o.get("id").getAsString()), WAIT);
        }

        void awaitClosedByServer() throws Exception {
            closedByServer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    static final class Tcp extends Client {
        final Socket socket;
        private final OutputStream out;

        Tcp(int port) throws IOException {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            Thread reader = new Thread(() -> {
                try {
                    while (true) {
                        int n = in.readInt();
                        byte[] body = new byte[n];
                        in.readFully(body);
                        received(body);
                    }
                } catch (EOFException e) {
                    closedByServer.complete(null);
                } catch (IOException e) {
                    closedByServer.complete(null);
                }
            }, "it-registry-tcp");
            reader.setDaemon(true);
            reader.start();
        }

        @Override
        void sendBytes(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static final class Ws extends Client {
        final WebSocket ws;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        Ws(int port) throws Exception {
            ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/registry"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                            byte[] b = new byte[data.remaining()];
                            data.get(b);
                            synchronized (pending) {
                                pending.writeBytes(b);
                                drain();
                            }
                            w.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
                            closedByServer.complete(null);
                            return null;
                        }

                        @Override
                        public void onError(WebSocket w, Throwable error) {
                            closedByServer.complete(null);
                        }
                    }).get(10, TimeUnit.SECONDS);
        }

        /** The WebSocket carries a byte stream: frames may span messages. */
        private void drain() {
            byte[] all = pending.toByteArray();
            int at = 0;
            while (all.length - at >= 4) {
                int n = ByteBuffer.wrap(all, at, 4).getInt();
                if (all.length - at - 4 < n) {
                    break;
                }
                byte[] body = new byte[n];
                System.arraycopy(all, at + 4, body, 0, n);
                received(body);
                at += 4 + n;
            }
            pending.reset();
            pending.write(all, at, all.length - at);
        }

        @Override
        void sendBytes(byte[] bytes) throws Exception {
            ws.sendBinary(ByteBuffer.wrap(bytes), true).get(10, TimeUnit.SECONDS);
        }

        void sendText(String text) throws Exception {
            ws.sendText(text, true).get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            ws.abort();
        }
    }
}
