package org.nimbus.conformance.registry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The registry over WebSocket: binary messages carrying the frame stream (the JDK's client). */
public final class WsRegistryConnection extends RegistryConnection {
    private final WebSocket ws;
    /** Text messages the server sent (the protocol uses binary only). */
    public final java.util.List<String> textMessages = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The status code of the server's Close frame (RFC 6455 §7.4), or -1 while none came. */
    public volatile int closeStatus = -1;

    public WsRegistryConnection(URI uri, Duration timeout) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
        try {
            ws = http.newWebSocketBuilder().connectTimeout(timeout).buildAsync(uri, new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                    byte[] b = new byte[data.remaining()];
                    data.get(b);
                    received(b, 0, b.length);
                    w.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    textMessages.add(data.toString());
                    w.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
                    closeStatus = status;
                    closedByServer.complete(null);
                    return null;
                }

                @Override
                public void onError(WebSocket w, Throwable error) {
                    closedByServer.complete(null);
                }
            }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening " + uri);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("WebSocket " + uri + ": " + (e.getCause() != null ? e.getCause() : e), e);
        }
    }

    @Override
    public synchronized void sendBytes(byte[] bytes) throws IOException {
        await(ws.sendBinary(ByteBuffer.wrap(bytes), true));
    }

    /** Sends a text message, which the protocol answers with an error. */
    public synchronized void sendText(String text) throws IOException {
        await(ws.sendText(text, true));
    }

    private static void await(CompletableFuture<WebSocket> f) throws IOException {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("WebSocket send failed: " + e, e);
        }
    }

    @Override
    public void close() {
        ws.abort();
    }
}
