package org.nimbus.conformance.registry;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * One client connection to the Nimbus registry (docs/registry-protocol.md), whatever carries it:
 * JSON frames out, frames in, waiting for a given frame while others wait their turn.
 */
public abstract class RegistryConnection implements AutoCloseable {
    private static final AtomicLong IDS = new AtomicLong();
    private final LinkedBlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();
    private final List<JsonObject> backlog = new ArrayList<>();
    private final FrameReader reader = new FrameReader();
    /** Completes when the server closes the connection. */
    public final CompletableFuture<Void> closedByServer = new CompletableFuture<>();

    /** Sends bytes as they are: whole frames, parts of frames, or several at once. */
    public abstract void sendBytes(byte[] bytes) throws IOException;

    public void send(JsonObject frame) throws IOException {
        sendBytes(FrameReader.frame(frame.toString()));
    }

    /** For transports: bytes received, in order. A frame that is not a JSON object is kept as {"op":"?"}. */
    protected final void received(byte[] bytes, int off, int len) {
        for (String body : reader.feed(bytes, off, len)) {
            try {
                inbox.add(JsonParser.parseString(body).getAsJsonObject());
            } catch (RuntimeException e) {
                JsonObject bad = new JsonObject();
                bad.addProperty("op", "?");
                bad.addProperty("raw", body);
                inbox.add(bad);
            }
        }
    }

    /** The next frame that matches, within the timeout; frames passed over stay for later waits. */
    public JsonObject await(Predicate<JsonObject> wanted, Duration timeout, String what) throws IOException, InterruptedException {
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
                throw new IOException("no " + what + " within " + timeout.toMillis() + " ms; other frames: " + backlog);
            }
            if (wanted.test(o)) {
                return o;
            }
            backlog.add(o);
        }
    }

    public JsonObject awaitOp(String op, Duration timeout) throws IOException, InterruptedException {
        return await(o -> o.has("op") && op.equals(o.get("op").getAsString()), timeout, "'" + op + "' frame");
    }

    /** Sends a request with a fresh id and returns the frame carrying that id (a reply or an error). */
    public JsonObject call(JsonObject request, Duration timeout) throws IOException, InterruptedException {
        String id = "k" + IDS.incrementAndGet();
        JsonObject r = request.deepCopy();
        r.addProperty("id", id);
        send(r);
        return await(o -> o.has("id") && id.equals(o.get("id").getAsString()), timeout, "reply to " + request);
    }

    /** A request frame: {"op": op} plus string properties given as name, value pairs. */
    public static JsonObject request(String op, String... nameValues) {
        JsonObject o = new JsonObject();
        o.addProperty("op", op);
        for (int i = 0; i + 1 < nameValues.length; i += 2) {
            o.addProperty(nameValues[i], nameValues[i + 1]);
        }
        return o;
    }

    /** True once the server has closed the connection (waiting up to the timeout). */
    public boolean awaitClosedByServer(Duration timeout) throws InterruptedException {
        try {
            closedByServer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        }
    }

    @Override
    public abstract void close();
}
