package org.nimbus.registry;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** JSON ⇄ frame bytes: strict parsing (one object, nothing after it) and length-prefixed encoding. */
public final class Frames {
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
    private static final TypeAdapter<JsonElement> ELEMENTS = GSON.getAdapter(JsonElement.class);

    private Frames() {
    }

    public static byte[] encode(JsonObject message) {
        byte[] json = GSON.toJson(message).getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + json.length).putInt(json.length).put(json).array();
    }

    /** The frame's JSON object, or null when the body is not exactly one JSON object. */
    public static JsonObject parse(byte[] body) {
        try {
            JsonReader reader = new JsonReader(new StringReader(new String(body, StandardCharsets.UTF_8)));
            reader.setLenient(false);
            JsonElement e = ELEMENTS.read(reader);
            if (!e.isJsonObject() || reader.peek() != JsonToken.END_DOCUMENT) {
                return null;
            }
            return e.getAsJsonObject();
        } catch (IOException | JsonParseException | IllegalStateException | NumberFormatException e) {
            return null;
        }
    }

    public static String toJson(JsonElement e) {
        return GSON.toJson(e);
    }
}
