package org.nimbus.red5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nimbus.rtmfp.packet.Vectors;
import org.nimbus.tc.TcMessage;
import org.nimbus.tc.TcMetadata;
import org.nimbus.tc.UserControl;
import org.red5.server.net.rtmp.event.Invoke;

/**
 * The NetStream commands librtmfp really sent through MonaTiny (docs/vectors/netstream-*.json,
 * decrypted from both programs' dumps) decoded as Red5 must see them: every command of both
 * captures, byte for byte, gives the call Red5's RTMP decoder gives for its RTMP twin. Among them
 * the one Red5's own decoder could not read: {@code publish} with its name in AMF3 behind the
 * AMF0 switch marker ({@code 05 11 06 07 "vec"}). The flows they came on are stream 1 by their
 * TC metadata, whatever flow they are tied to.
 */
class NetStreamVectorTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String[] FILES = {"netstream-librtmfp-mona.json", "netstream-librtmfp-mona-play-before-publish.json"};

    private static List<JsonObject> clientCommands(String file) {
        List<JsonObject> out = new ArrayList<>();
        for (JsonElement e : Vectors.file(file).getAsJsonArray("messages")) {
            JsonObject m = e.getAsJsonObject();
            if (m.get("direction").getAsString().equals("client->server") && m.get("messageTypeName").getAsString().startsWith("Command")) {
                out.add(m);
            }
        }
        return out;
    }

    /** The capture's decoded values (its own AMF decoder, not ours): AMF3 values appear as {"AMF3": value}. */
    private static List<Object> expectedValues(JsonObject m) {
        List<Object> out = new ArrayList<>();
        for (JsonElement v : m.getAsJsonArray("amf0Values")) {
            if (v.isJsonNull()) {
                out.add(null);
            } else if (v.isJsonObject() && v.getAsJsonObject().has("AMF3")) {
                out.add(v.getAsJsonObject().get("AMF3").getAsString());
            } else if (v.isJsonObject()) {
                out.add(v.getAsJsonObject());
            } else if (v.getAsJsonPrimitive().isNumber()) {
                out.add(v.getAsDouble());
            } else {
                out.add(v.getAsString());
            }
        }
        return out;
    }

    @Test
    void everyCapturedClientCommandDecodesAsRed5ExpectsIt() {
        int commands = 0;
        for (String file : FILES) {
            for (JsonObject m : clientCommands(file)) {
                TcMessage msg = TcMessage.decode(HEX.parseHex(m.get("messageHex").getAsString()));
                Invoke invoke = CommandDecoder.decode(msg);
                List<Object> values = expectedValues(m);
                String where = file + " " + m.get("session").getAsString() + " flow " + m.get("flowId") + " " + values;
                assertEquals(values.get(0), invoke.getCall().getServiceMethodName(), where);
                assertNull(invoke.getCall().getServiceName(), where);
                assertEquals(((Double) values.get(1)).intValue(), invoke.getTransactionId(), where);
                List<Object> rest = new ArrayList<>(values.subList(2, values.size()));
                if (!rest.isEmpty() && rest.get(0) instanceof JsonObject params) {
                    // connect: the object is the connection's parameters, as Red5 reads them from RTMP
                    assertNotNull(invoke.getConnectionParams(), where);
                    assertEquals(params.get("app").getAsString(), invoke.getConnectionParams().get("app"), where);
                    assertEquals(params.get("tcUrl").getAsString(), invoke.getConnectionParams().get("tcUrl"), where);
                    assertEquals(params.get("objectEncoding").getAsDouble(), invoke.getConnectionParams().get("objectEncoding"));
                    rest.remove(0);
                } else if (!rest.isEmpty() && rest.get(0) == null) {
                    rest.remove(0);
                }
                assertEquals(rest, List.of(invoke.getCall().getArguments()), where);
                commands++;
            }
        }
        assertTrue(commands >= 16, "commands checked: " + commands);
    }

    @Test
    void librtmfpPublishWithItsAmf3NameIsAPublishOfThatName() {
        JsonObject publish = Vectors.file(FILES[0]).getAsJsonObject("keyMessages").getAsJsonObject("publisher.publish");
        byte[] bytes = HEX.parseHex(publish.get("messageHex").getAsString());
        // 14 | ts 0 | "publish" | 0.0 | null | AVM+ switch, AMF3 string "vec"
        assertArrayEquals(HEX.parseHex("05110607766563"), java.util.Arrays.copyOfRange(bytes, bytes.length - 7, bytes.length));
        Invoke invoke = CommandDecoder.decode(TcMessage.decode(bytes));
        assertEquals("publish", invoke.getCall().getServiceMethodName());
        assertArrayEquals(new Object[] {"vec"}, invoke.getCall().getArguments());
        assertNull(StreamNames.problem("publish", invoke.getCall().getArguments()));
        // the flow it came on: TC, stream 1, tied to the server's NetConnection flow (1)
        assertEquals(1, TcMetadata.parse(HEX.parseHex(publish.get("flowUserMetadataHex").getAsString())).orElseThrow().streamId());
    }

    @Test
    void everyLibrtmfpNetStreamFlowIsStreamOne() {
        for (String file : FILES) {
            int streamFlows = 0;
            for (JsonElement e : Vectors.file(file).getAsJsonArray("flows")) {
                JsonObject f = e.getAsJsonObject();
                long id = TcMetadata.parse(HEX.parseHex(f.get("userMetadataHex").getAsString())).orElseThrow().streamId();
                if (f.get("direction").getAsString().equals("client->server") && id != 0) {
                    assertEquals(1, id);
                    // commands, audio and video each on their own flow, all tied to server flow 1
                    assertEquals(1, f.get("returnAssociationFlowId").getAsInt(), file + " flow " + f.get("flowId"));
                    streamFlows++;
                }
            }
            assertEquals(4, streamFlows, file + ": publisher's 3 flows and the player's 1");
        }
    }

    @Test
    void rtmfpCppFlowSyncIsTheTcLayersOwn() {
        // rtmfp-cpp FlowSyncManager::makeSyncMessage layout (RFC 7425 §5.2): 04 | ts 0 | 0022 | syncID | count
        TcMessage sync = TcMessage.decode(HEX.parseHex("040000000000220000000700000003"));
        assertTrue(UserControl.isFlowSync(sync));
        assertTrue(!UserControl.isFlowSync(TcMessage.decode(HEX.parseHex("0400000000000000000001"))), "StreamBegin is not");
    }
}
