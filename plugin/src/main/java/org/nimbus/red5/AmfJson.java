package org.nimbus.red5;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Registry messages between JSON (the protocol's model) and the values Red5's AMF codec reads
 * and writes: maps for objects, lists for arrays, numbers, strings, booleans and null.
 */
final class AmfJson {
    /** Deeper AMF values than any registry request needs are cut off, so recursion stays bounded. */
    private static final int MAX_DEPTH = 16;

    private AmfJson() {
    }

    static Map<String, Object> toAmf(JsonObject o) {
        Map<String, Object> m = new LinkedHashMap<>();
        o.entrySet().forEach(e -> m.put(e.getKey(), toAmf(e.getValue())));
        return m;
    }

    private static Object toAmf(JsonElement e) {
        if (e.isJsonObject()) {
            return toAmf(e.getAsJsonObject());
        }
        if (e.isJsonArray()) {
            List<Object> l = new ArrayList<>();
            e.getAsJsonArray().forEach(x -> l.add(toAmf(x)));
            return l;
        }
        if (e.isJsonNull()) {
            return null;
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isBoolean()) {
            return p.getAsBoolean();
        }
        if (p.isNumber()) {
            return p.getAsDouble();
        }
        return p.getAsString();
    }

    /** The request as a JSON object, or null when the AMF value is not an object. */
    static JsonObject fromAmf(Object amf) {
        JsonElement e = fromAmf(amf, 0);
        return e.isJsonObject() ? e.getAsJsonObject() : null;
    }

    private static JsonElement fromAmf(Object v, int depth) {
        if (v == null || depth > MAX_DEPTH) {
            return JsonNull.INSTANCE;
        }
        if (v instanceof Map<?, ?> m) {
            JsonObject o = new JsonObject();
            m.forEach((k, x) -> o.add(String.valueOf(k), fromAmf(x, depth + 1)));
            return o;
        }
        if (v instanceof Collection<?> c) {
            JsonArray a = new JsonArray();
            c.forEach(x -> a.add(fromAmf(x, depth + 1)));
            return a;
        }
        if (v instanceof Object[] arr) {
            JsonArray a = new JsonArray();
            for (Object x : arr) {
                a.add(fromAmf(x, depth + 1));
            }
            return a;
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            // AMF0 numbers are doubles: give whole ones back as integers so ids echo as sent.
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? new JsonPrimitive((long) d) : new JsonPrimitive(d);
        }
        if (v instanceof Boolean b) {
            return new JsonPrimitive(b);
        }
        return new JsonPrimitive(String.valueOf(v));
    }
}
