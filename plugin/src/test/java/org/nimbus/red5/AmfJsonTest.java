package org.nimbus.red5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.mina.core.buffer.IoBuffer;
import org.junit.jupiter.api.Test;
import org.red5.io.amf.Input;
import org.red5.io.amf.Output;
import org.red5.io.object.Deserializer;
import org.red5.io.object.Serializer;

/**
 * Registry messages through Red5's own AMF0 codec, both ways: what a NetConnection client sends
 * as {@code registry(request)} and what it gets back as the result or in {@code onRegistry}.
 */
class AmfJsonTest {

    private static Object throughAmf0(Object value) {
        IoBuffer buf = IoBuffer.allocate(256).setAutoExpand(true);
        Serializer.serialize(new Output(buf), value);
        buf.flip();
        return Deserializer.deserialize(new Input(buf), Object.class);
    }

    @Test
    void requestFromAmfBecomesTheProtocolsJson() {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("op", "subscribe");
        request.put("id", 7.0); // AMF0 numbers are doubles
        request.put("names", List.of("alice", "Zoë"));
        request.put("guest", true);
        JsonObject json = AmfJson.fromAmf(throughAmf0(request));
        assertEquals(JsonParser.parseString("{\"op\":\"subscribe\",\"id\":7,\"names\":[\"alice\",\"Zoë\"],\"guest\":true}"), json);
        assertNull(AmfJson.fromAmf(throughAmf0("not an object")));
        assertNull(AmfJson.fromAmf(null));
    }

    @Test
    void replyAsAmfKeepsEveryField() {
        JsonObject reply = JsonParser.parseString("{\"op\":\"found\",\"id\":\"q1\",\"name\":\"Zoë\",\"online\":true,"
                + "\"peerIds\":[\"" + "a".repeat(64) + "\"],\"ts\":1700000000123}").getAsJsonObject();
        @SuppressWarnings("unchecked")
        Map<String, Object> back = (Map<String, Object>) throughAmf0(AmfJson.toAmf(reply));
        assertEquals("found", back.get("op"));
        assertEquals("q1", back.get("id"));
        assertEquals("Zoë", back.get("name"));
        assertEquals(Boolean.TRUE, back.get("online"));
        assertEquals(List.of("a".repeat(64)), List.copyOf((java.util.Collection<?>) back.get("peerIds")));
        assertEquals(1700000000123.0, ((Number) back.get("ts")).doubleValue());
        // and back to JSON, as the client would echo it
        assertEquals(reply, AmfJson.fromAmf(back));
    }

    @Test
    void deeplyNestedAmfIsCutOffNotOverflowed() {
        Map<String, Object> deep = new LinkedHashMap<>();
        Map<String, Object> at = deep;
        for (int i = 0; i < 10_000; i++) {
            Map<String, Object> next = new LinkedHashMap<>();
            at.put("x", next);
            at = next;
        }
        JsonObject json = AmfJson.fromAmf(deep);
        assertEquals(1, json.size());
    }
}
