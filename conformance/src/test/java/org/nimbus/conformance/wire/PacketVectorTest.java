package org.nimbus.conformance.wire;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nimbus.conformance.Vectors;

/** RFC 7016 §2.2.4 header and §2.3.1 chunk framing, against every captured packet. */
class PacketVectorTest {

    @TestFactory
    Stream<DynamicTest> headerAndChunksMatch() {
        return Vectors.allPackets().stream().map(p -> DynamicTest.dynamicTest(p.toString(), () -> {
            byte[] bytes = p.bytes("packet_hex");
            Packet packet = Packet.decode(bytes);
            JsonObject h = p.json().getAsJsonObject("header");
            assertEquals(Integer.parseInt(h.get("flags_hex").getAsString(), 16), packet.flags());
            assertEquals(h.get("mode").getAsInt(), packet.mode().bits);
            assertEquals(h.get("time_critical").getAsBoolean(), packet.timeCritical());
            assertEquals(h.has("timestamp") ? h.get("timestamp").getAsInt() : -1, packet.timestamp());
            assertEquals(h.has("timestamp_echo") ? h.get("timestamp_echo").getAsInt() : -1, packet.timestampEcho());
            JsonArray chunks = p.json().getAsJsonArray("chunks");
            assertEquals(chunks.size(), packet.chunks().size());
            for (int i = 0; i < chunks.size(); i++) {
                JsonObject c = chunks.get(i).getAsJsonObject();
                assertEquals(c.get("type").getAsInt(), packet.chunks().get(i).type());
                assertEquals(c.get("payload_hex").getAsString(), Hex.encode(packet.chunks().get(i).payload()));
            }
            assertEquals(p.str("padding_hex").length() / 2, packet.paddingLength());
            // Re-encoding the header and chunks gives the packet back without its padding.
            assertEquals(p.str("packet_hex").substring(0, (bytes.length - packet.paddingLength()) * 2),
                    Hex.encode(packet.encode()));
        }));
    }

    @Test
    void chunkOverrunIsAFormatError() {
        assertThrows(WireFormatException.class, () -> Packet.decode(Hex.decode("4a0001" + "100010" + "0000")));
    }
}
