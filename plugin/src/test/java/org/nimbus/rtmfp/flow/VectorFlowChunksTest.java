package org.nimbus.rtmfp.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.Option;
import org.nimbus.rtmfp.packet.Vectors;

/**
 * Decodes every flow chunk captured between real implementations (docs/vectors/README.md), compares
 * with the independently decoded fields, and re-encodes to the same bytes.
 */
class VectorFlowChunksTest {
    private static final HexFormat HEX = HexFormat.of();

    /**
     * The chunk lists of every packet object of sets 1 to 3 ({@link Vectors#packets()}: those with
     * a {@code datagram_hex}); the set-4 NetStream files use another layout (docs/vectors/README.md).
     */
    private static List<JsonArray> packetChunkLists() {
        List<JsonArray> out = new ArrayList<>();
        for (Vectors.NamedPacket p : Vectors.packets()) {
            collect(p.packet(), out);
        }
        return out;
    }

    private static void collect(JsonElement e, List<JsonArray> out) {
        if (e.isJsonObject()) {
            JsonObject o = e.getAsJsonObject();
            if (o.has("chunks") && o.get("chunks").isJsonArray()) {
                out.add(o.getAsJsonArray("chunks"));
            }
            for (Map.Entry<String, JsonElement> m : o.entrySet()) {
                collect(m.getValue(), out);
            }
        } else if (e.isJsonArray()) {
            for (JsonElement x : e.getAsJsonArray()) {
                collect(x, out);
            }
        }
    }

    @Test
    void everyCapturedFlowChunkDecodesAndReencodes() throws Exception {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (JsonArray chunks : packetChunkLists()) {
            UserDataChunk previous = null;
            for (JsonElement ce : chunks) {
                JsonObject c = ce.getAsJsonObject();
                int type = c.get("type").getAsInt();
                byte[] payload = HEX.parseHex(c.get("payload_hex").getAsString());
                JsonObject fields = c.getAsJsonObject("fields");
                switch (type) {
                    case Chunk.USER_DATA, Chunk.NEXT_USER_DATA -> {
                        UserDataChunk u = UserDataChunk.decode(type, payload, previous);
                        checkUserData(type, u, fields, previous);
                        assertArrayEquals(payload, type == Chunk.USER_DATA ? u.encode() : u.encodeNext());
                        previous = u;
                    }
                    case Chunk.ACK_RANGES, Chunk.ACK_BITMAP -> {
                        AckChunk a = AckChunk.decode(type, payload);
                        assertEquals(fields.get("flow_id").getAsLong(), a.flowId());
                        assertEquals(fields.get("buffer_blocks_available").getAsLong(), a.bufferBlocksAvailable());
                        assertEquals(fields.get("cumulative_ack").getAsLong(), a.cumulativeAck());
                        if (fields.has("ranges")) {
                            assertEquals(fields.getAsJsonArray("ranges").size(), a.ranges().size());
                        }
                        assertArrayEquals(payload, type == Chunk.ACK_RANGES ? a.encodeRanges() : a.encodeBitmap());
                    }
                    case Chunk.BUFFER_PROBE -> {
                        BufferProbeChunk p = BufferProbeChunk.decode(payload);
                        assertEquals(fields.get("flow_id").getAsLong(), p.flowId());
                        assertArrayEquals(payload, p.encode());
                    }
                    case Chunk.FLOW_EXCEPTION -> {
                        FlowExceptionChunk x = FlowExceptionChunk.decode(payload);
                        assertEquals(fields.get("flow_id").getAsLong(), x.flowId());
                        assertEquals(fields.get("exception_code").getAsLong(), x.exceptionCode());
                        assertArrayEquals(payload, x.encode());
                    }
                    default -> {
                        continue;
                    }
                }
                counts.merge(type, 1, Integer::sum);
            }
        }
        // the README lists connect/_result/acks in every set: make sure we really saw them
        assertTrue(counts.getOrDefault(Chunk.USER_DATA, 0) >= 50, "user data chunks: " + counts);
        assertTrue(counts.getOrDefault(Chunk.NEXT_USER_DATA, 0) >= 10, "next user data chunks: " + counts);
        assertTrue(counts.getOrDefault(Chunk.ACK_RANGES, 0) >= 40, "ack chunks: " + counts);
    }

    private static void checkUserData(int type, UserDataChunk u, JsonObject f, UserDataChunk previous) {
        assertEquals(Integer.parseInt(f.get("flags_hex").getAsString(), 16), u.flags());
        assertEquals(f.get("options_present").getAsBoolean(), u.hasOptions());
        assertEquals(f.get("fragment_control").getAsString(), u.fragment().name().toLowerCase());
        assertEquals(f.get("abandon").getAsBoolean(), u.abandon());
        assertEquals(f.get("final").getAsBoolean(), u.fin());
        if (type == Chunk.USER_DATA) {
            assertEquals(f.get("flow_id").getAsLong(), u.flowId());
            assertEquals(f.get("sequence_number").getAsLong(), u.sequenceNumber());
            assertEquals(f.get("fsn_offset").getAsLong(), u.fsnOffset());
            assertEquals(f.get("forward_sequence_number").getAsLong(), u.forwardSequenceNumber());
        } else {
            assertNotNull(previous);
            assertEquals(previous.flowId(), u.flowId());
            assertEquals(previous.sequenceNumber() + 1, u.sequenceNumber());
            assertEquals(previous.forwardSequenceNumber(), u.forwardSequenceNumber());
        }
        if (f.has("options")) {
            List<Option> expected = new ArrayList<>();
            for (JsonElement oe : f.getAsJsonArray("options")) {
                JsonObject o = oe.getAsJsonObject();
                if (o.has("marker")) {
                    continue;
                }
                expected.add(new Option(o.get("type").getAsLong(), HEX.parseHex(o.get("value_hex").getAsString())));
                if (o.get("type").getAsLong() == UserDataChunk.OPTION_RETURN_ASSOCIATION) {
                    assertEquals(o.get("value").getAsLong(), u.returnAssociation().orElseThrow());
                }
            }
            assertEquals(expected, u.options());
        } else {
            assertFalse(u.hasOptions());
        }
        if (f.get("data_hex").getAsString().length() == 2 * f.get("data_length").getAsInt()) {
            assertArrayEquals(HEX.parseHex(f.get("data_hex").getAsString()), u.data());
        }
        assertEquals(f.get("data_length").getAsInt(), u.data().length);
    }

    /** tc-mona.json `_result` + keepalive: UserData on flow 1 then NextUserData with the 0x29 event. */
    @Test
    void resultAndKeepaliveFromMonaTiny() throws Exception {
        UserDataChunk first = UserDataChunk.decode(HEX.parseHex("80" + "01" + "02" + "01" + "050054430400" + "020a02" + "00" + "14"));
        assertEquals(1, first.flowId());
        assertEquals(2, first.sequenceNumber());
        assertArrayEquals(HEX.parseHex("54430400"), first.metadata().orElseThrow());
        assertEquals(2, first.returnAssociation().orElseThrow());
        assertArrayEquals(HEX.parseHex("14"), first.data());
        UserDataChunk keepalive = UserDataChunk.decodeNext(HEX.parseHex("000400000000002900003a9800002710"), first);
        assertEquals(3, keepalive.sequenceNumber());
        assertEquals(first.forwardSequenceNumber(), keepalive.forwardSequenceNumber());
        assertArrayEquals(HEX.parseHex("0400000000002900003a9800002710"), keepalive.data());
    }
}
