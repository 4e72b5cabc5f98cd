package org.nimbus.registry;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * The frames the registry sends on its own (docs/registry-protocol.md): presence events,
 * relayed messages and error frames. JSON shapes only; who gets them is the caller's business.
 */
final class Events {
    private Events() {
    }

    static JsonObject presence(String name, boolean online) {
        JsonObject event = new JsonObject();
        event.addProperty("op", "presence");
        event.addProperty("name", name);
        event.addProperty("key", Names.key(name));
        event.addProperty("online", online);
        return event;
    }

    static JsonObject message(String from, String text, long timestampMillis) {
        JsonObject message = new JsonObject();
        message.addProperty("op", "message");
        message.addProperty("from", from);
        message.addProperty("fromKey", Names.key(from));
        message.addProperty("text", text);
        message.addProperty("ts", timestampMillis);
        return message;
    }

    /** An error frame; {@code id} is the request's, or null. */
    static JsonObject error(String code, String message, JsonElement id) {
        JsonObject e = new JsonObject();
        e.addProperty("op", "error");
        e.addProperty("code", code);
        e.addProperty("message", message);
        if (id != null) {
            e.add("id", id);
        }
        return e;
    }
}
