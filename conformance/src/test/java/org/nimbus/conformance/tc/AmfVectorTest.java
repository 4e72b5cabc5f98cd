package org.nimbus.conformance.tc;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nimbus.conformance.Vectors;
import org.nimbus.conformance.wire.Hex;

/** AMF0 and TC message framing (RFC 7425 §5.1) against every TC message in the vectors. */
class AmfVectorTest {

    static List<JsonObject> flashMessages(String file) {
        List<JsonObject> out = new ArrayList<>();
        collect(Vectors.file(file), out);
        return out;
    }

    private static void collect(JsonElement e, List<JsonObject> out) {
        if (e.isJsonObject()) {
            JsonObject o = e.getAsJsonObject();
            if (o.has("flash_message") && o.has("data_hex")) {
                out.add(o);
            }
            o.entrySet().forEach(en -> collect(en.getValue(), out));
        } else if (e.isJsonArray()) {
            e.getAsJsonArray().forEach(x -> collect(x, out));
        }
    }

    /** Compares a decoded AMF value with the vector's JSON rendering. */
    static void assertAmfEquals(JsonElement expected, Object actual, String where) {
        if (expected.isJsonNull()) {
            assertNull(actual, where);
        } else if (expected.isJsonPrimitive()) {
            JsonPrimitive p = expected.getAsJsonPrimitive();
            if (p.isNumber()) {
                assertEquals(p.getAsDouble(), (Double) actual, where);
            } else if (p.isBoolean()) {
                assertEquals(p.getAsBoolean(), actual, where);
            } else {
                assertEquals(p.getAsString(), actual, where);
            }
        } else if (expected.isJsonArray()) {
            JsonArray a = expected.getAsJsonArray();
            List<?> l = (List<?>) actual;
            assertEquals(a.size(), l.size(), where);
            for (int i = 0; i < a.size(); i++) {
                assertAmfEquals(a.get(i), l.get(i), where + "[" + i + "]");
            }
        } else {
            JsonObject o = expected.getAsJsonObject();
            Map<?, ?> m = (Map<?, ?>) actual;
            assertEquals(o.keySet(), m.keySet(), where);
            for (String k : o.keySet()) {
                assertAmfEquals(o.get(k), m.get(k), where + "." + k);
            }
        }
    }

    @Test
    void everyAmf0CommandDecodesAndReencodes() {
        int commands = 0;
        for (String f : List.of(Vectors.TC_MONA, Vectors.STARTUP, Vectors.SET2.get(0), Vectors.SET2.get(2))) {
            for (JsonObject chunkFields : flashMessages(f)) {
                JsonObject fm = chunkFields.getAsJsonObject("flash_message");
                byte[] data = Hex.decode(chunkFields.get("data_hex").getAsString());
                TcMessage m = TcMessage.decode(data);
                assertEquals(Integer.parseInt(fm.get("message_type_hex").getAsString(), 16), m.type());
                assertEquals(fm.get("message_timestamp").getAsLong(), m.timestamp());
                assertEquals(fm.get("body_hex").getAsString(), Hex.encode(m.body()));
                assertArrayEquals(data, m.encode());
                if (m.type() != TcMessage.COMMAND_AMF0) {
                    continue;
                }
                List<Object> values = Amf0.decodeAll(m.body());
                assertAmfEquals(fm.get("amf0"), values, f);
                assertEquals(fm.get("body_hex").getAsString(), Hex.encode(Amf0.encodeAll(values)), "re-encode " + f);
                Command c = Command.fromMessage(m);
                assertEquals(values.get(0), c.name());
                assertArrayEquals(m.body(), c.toMessage(TcMessage.COMMAND_AMF0).body());
                commands++;
            }
        }
        assertTrue(commands >= 30, "commands checked: " + commands);
    }

    @Test
    void librtmfpConnectHasTransactionZeroAndNoNull() {
        JsonObject connect = flashMessages(Vectors.TC_MONA).stream()
                .filter(o -> o.getAsJsonObject("flash_message").has("amf0")
                        && o.getAsJsonObject("flash_message").getAsJsonArray("amf0").get(0).getAsString().equals("connect"))
                .findFirst().orElseThrow();
        Command c = Command.parse(Hex.decode(connect.get("data_hex").getAsString()));
        assertEquals(0.0, c.transactionId());
        assertEquals(1, c.args().size());
        AmfObject o = (AmfObject) c.args().get(0);
        assertEquals(3.0, o.get("objectEncoding"));
        // Our librtmfp-style builder produces the same property set and types.
        AmfObject mine = ConnectStyle.LIBRTMFP.connectObject("live", "rtmfp://127.0.0.1:19360");
        assertEquals(o.keySet(), mine.keySet());
        assertEquals(Hex.encode(Amf0.encode(o)), Hex.encode(Amf0.encode(mine)));
    }

    @Test
    void resultAndKeepaliveOfMona() {
        boolean sawResult = false;
        boolean sawKeepalive = false;
        for (JsonObject o : flashMessages(Vectors.TC_MONA)) {
            TcMessage m = TcMessage.decode(Hex.decode(o.get("data_hex").getAsString()));
            if (m.type() == TcMessage.USER_CONTROL) {
                UserControl uc = UserControl.fromMessage(m);
                JsonObject fm = o.getAsJsonObject("flash_message");
                assertEquals(fm.get("user_control_event").getAsInt(), uc.event());
                if (uc.event() == UserControl.SET_KEEPALIVE) {
                    assertEquals(new UserControl.Keepalive(15000, 10000), uc.keepalive());
                    sawKeepalive = true;
                }
            } else if (m.type() == TcMessage.COMMAND_AMF0) {
                Command c = Command.fromMessage(m);
                if (c.isResult() && c.infoObject() != null
                        && "NetConnection.Connect.Success".equals(c.infoObject().string("code"))) {
                    assertNull(c.args().get(0), "Mona's _result has a null command object");
                    assertEquals("status", c.infoObject().string("level"));
                    sawResult = true;
                }
            }
        }
        assertTrue(sawResult && sawKeepalive);
    }

    @Test
    void tcMetadata() {
        assertEquals("54430400", Hex.encode(TcMetadata.netConnection()));
        assertEquals(0, TcMetadata.streamId(TcMetadata.netConnection()));
        assertEquals(300, TcMetadata.streamId(TcMetadata.forStream(300)));
        assertFalse(TcMetadata.isTc(Hex.decode("474300")));
    }

    @Test
    void amf3BasicTypes() {
        for (Object v : new Object[] {null, AmfUndefined.INSTANCE, true, false, 0, 127, 128, 16383, 16384,
                (1 << 21) - 1, 1 << 21, (1 << 28) - 1, -1, -(1 << 28), 3.5, "", "héllo"}) {
            byte[] b = Amf3.encode(v);
            assertEquals(v, new Amf3.Reader(new org.nimbus.conformance.wire.ByteReader(b)).read(), String.valueOf(v));
        }
        // a string reference: "ab" then a reference to index 0
        Amf3.Reader r = new Amf3.Reader(new org.nimbus.conformance.wire.ByteReader(Hex.decode("060561620600")));
        assertEquals("ab", r.read());
        assertEquals("ab", r.read());
        // AMF0 switching to AMF3 with 0x11
        assertEquals(List.of("x", 5), Amf0.decodeAll(Hex.decode("0200017811" + "0405")));
    }

    @Test
    void amf0ObjectsArraysAndReferences() {
        AmfEcmaArray ecma = new AmfEcmaArray();
        ecma.put("a", 1.0);
        AmfObject typed = new AmfObject("Cls");
        typed.put("z", "y");
        List<Object> values = List.of(ecma, typed, List.of(1.0, "two"), new AmfDate(1.0e12, 0), AmfUndefined.INSTANCE);
        byte[] b = Amf0.encodeAll(values);
        List<Object> back = Amf0.decodeAll(b);
        assertInstanceOf(AmfEcmaArray.class, back.get(0));
        assertEquals("Cls", ((AmfObject) back.get(1)).className());
        assertArrayEquals(b, Amf0.encodeAll(back));
        // reference 0 points at the first complex value
        List<Object> withRef = Amf0.decodeAll(Hex.decode("0300016102000162000009" + "070000"));
        assertSame(withRef.get(0), withRef.get(1));
    }
}
