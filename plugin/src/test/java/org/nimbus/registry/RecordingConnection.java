package org.nimbus.registry;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** A connection that keeps what the registry sent it, as a transport would write it. */
final class RecordingConnection implements RegistryConnection {
    final List<JsonObject> sent = new ArrayList<>();
    boolean closed;

    @Override
    public void send(JsonObject message) {
        sent.add(message.deepCopy());
    }

    @Override
    public void close() {
        closed = true;
    }

    List<JsonObject> ofOp(String op) {
        return sent.stream().filter(m -> m.get("op").getAsString().equals(op)).toList();
    }
}
