package org.nimbus.tc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.nimbus.rtmfp.flow.CongestionControl;
import org.nimbus.rtmfp.flow.FlowChunk;
import org.nimbus.rtmfp.flow.SendFlow;
import org.nimbus.rtmfp.packet.Vectors;

/**
 * The TC codec against real traffic: librtmfp's connect and setPeerInfo as MonaTiny received
 * them, and Nimbus's own connect reply + keepalive laid out byte for byte as MonaTiny's
 * (docs/vectors/tc-mona.json, RFC 7425 §5).
 */
class TcCodecVectorTest {
    private static final HexFormat HEX = HexFormat.of();

    private static JsonObject chunk(int packetIndex, int chunkIndex) {
        JsonArray packets = Vectors.file("tc-mona.json").getAsJsonObject("packets").getAsJsonArray("p2p");
        for (var p : packets) {
            if (p.getAsJsonObject().get("index").getAsInt() == packetIndex) {
                return p.getAsJsonObject().getAsJsonArray("chunks").get(chunkIndex).getAsJsonObject();
            }
        }
        throw new AssertionError("no packet " + packetIndex);
    }

    private static byte[] data(int packetIndex, int chunkIndex) {
        return HEX.parseHex(chunk(packetIndex, chunkIndex).getAsJsonObject("fields").get("data_hex").getAsString());
    }

    @Test
    void librtmfpConnectDecodes() {
        TcMessage m = TcMessage.decode(data(4, 0));
        assertEquals(TcMessage.COMMAND_AMF0, m.type());
        assertEquals(0, m.timestamp());
        assertEquals("connect", TcCommand.peekName(m));
        TcCommand c = TcCommand.decode(m);
        assertEquals("connect", c.name());
        assertEquals(0.0, c.transactionId()); // 0.0, not 1.0 (docs/interop.md)
        Map<?, ?> object = (Map<?, ?>) c.arguments().get(0); // no null before the object
        assertEquals("live", object.get("app"));
        assertEquals("rtmfp://127.0.0.1:19360", object.get("tcUrl"));
        assertEquals(3.0, ((Number) object.get("objectEncoding")).doubleValue());
        assertEquals(1, c.values().size());
    }

    @Test
    void netConnectionFlowMetadataIsTcStreamZero() {
        assertArrayEquals(HEX.parseHex("54430400"), TcMetadata.forStream(0));
        TcMetadata md = TcMetadata.parse(HEX.parseHex("54430400")).orElseThrow();
        assertEquals(0, md.streamId());
        assertEquals(5, TcMetadata.parse(TcMetadata.forStream(5)).orElseThrow().streamId());
        assertEquals(300, TcMetadata.parse(TcMetadata.forStream(300)).orElseThrow().streamId());
        assertEquals(0, TcMetadata.parse(new byte[] {'T', 'C'}).orElseThrow().streamId());
        assertTrue(TcMetadata.parse(new byte[] {'G', 'C'}).isEmpty());
    }

    @Test
    void connectReplyAndKeepaliveAreLaidOutAsMonaTinys() {
        // MonaTiny's info object, written by Nimbus's encoder (red5-io): the same bytes.
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("level", "status");
        info.put("code", Replies.CONNECT_SUCCESS);
        info.put("description", "Connection succeeded");
        info.put("objectEncoding", 3.0);
        TcMessage result = Replies.result(0.0, info);
        assertArrayEquals(data(6, 0), result.encode());
        TcMessage keepalive = UserControl.keepalive(15_000, 10_000);
        assertArrayEquals(data(6, 1), keepalive.encode());

        // On the wire: a new flow with TC metadata returning association to the client's flow 2,
        // both messages in one packet, the second as Next User Data (RFC 7016 §2.3.12).
        SendFlow flow = new SendFlow(1, TcMetadata.forStream(0), OptionalLong.of(2), new CongestionControl());
        flow.write(result.encode(), 0);
        flow.write(keepalive.encode(), 0);
        List<FlowChunk> chunks = flow.assemble(1200, 0);
        assertEquals(2, chunks.size());
        assertEquals(FlowChunk.USER_DATA, chunks.get(0).type());
        assertEquals(chunk(6, 0).get("payload_hex").getAsString(), HEX.formatHex(chunks.get(0).payload()));
        assertEquals(FlowChunk.NEXT_USER_DATA, chunks.get(1).type());
        assertEquals(chunk(6, 1).get("payload_hex").getAsString(), HEX.formatHex(chunks.get(1).payload()));
    }

    @Test
    void nimbusConnectInfoCarriesBothPeerIds() {
        String near = "ab".repeat(32);
        String far = "cd".repeat(32);
        TcCommand c = TcCommand.decode(Replies.result(0.0, Replies.connectSuccess(3, near, far)));
        assertEquals("_result", c.name());
        assertNull(c.values().get(0));
        Map<?, ?> info = (Map<?, ?>) c.arguments().get(0);
        assertEquals("status", info.get("level"));
        assertEquals(Replies.CONNECT_SUCCESS, info.get("code"));
        assertEquals(near, info.get("connectionID"));
        assertEquals(near, info.get("nearID"));
        assertEquals(far, info.get("farID"));
        assertEquals(3.0, ((Number) info.get("objectEncoding")).doubleValue());
    }

    @Test
    void setPeerInfoWithNoNullAndNoAddresses() {
        TcMessage m = TcMessage.decode(data(7, 0));
        TcCommand c = TcCommand.decode(m);
        assertEquals("setPeerInfo", c.name());
        assertEquals(0.0, c.transactionId());
        assertTrue(c.arguments().isEmpty());
        assertTrue(PeerAddresses.parse(c.arguments()).isEmpty());
    }

    @Test
    void setPeerInfoAddressesAreIpLiteralsOnly() {
        List<InetSocketAddress> a = PeerAddresses.parse(List.of("192.168.1.5:1935", "[fe80::1]:50000",
                "example.com:80", "10.0.0.1", "1.2.3.4:0", "1.2.3.4:70000", 42.0, "[::1]:9"));
        assertEquals(List.of(new InetSocketAddress("192.168.1.5", 1935), new InetSocketAddress("fe80::1", 50000),
                new InetSocketAddress("::1", 9)), a);
    }

    @Test
    void errorAnswerHasMonaTinysFrame() {
        // MonaTiny's _error (with its level and code swapped) shares everything before the info object.
        byte[] mona = data(10, 0);
        byte[] ours = Replies.callFailed(0.0, Replies.CALL_FAILED, "No method").encode();
        int prefix = 1 + 4 + 9 + 9 + 1; // type, timestamp, "_error", 0.0, null
        assertArrayEquals(java.util.Arrays.copyOf(mona, prefix), java.util.Arrays.copyOf(ours, prefix));
        Map<?, ?> info = (Map<?, ?>) TcCommand.decode(TcMessage.decode(ours)).arguments().get(0);
        assertEquals("error", info.get("level"));
        assertEquals(Replies.CALL_FAILED, info.get("code"));
    }

    @Test
    void amf3CommandDecodesAndRelaysVerbatim() {
        // type 0x11: 0x00, "relay", 2.0, null, "peer", then an AVM+ switched AMF3 string and an AMF0 number
        byte[] body = HEX.parseHex("00" + "020005" + HEX.formatHex("relay".getBytes()) + "004000000000000000" + "05"
                + "020004" + HEX.formatHex("peer".getBytes()) + "11" + "0607" + HEX.formatHex("abc".getBytes())
                + "00" + "4045000000000000");
        TcMessage m = new TcMessage(TcMessage.COMMAND_AMF3, 0, body);
        assertEquals("relay", TcCommand.peekName(m));
        TcCommand c = TcCommand.decode(m);
        assertEquals(2.0, c.transactionId());
        assertEquals(List.of("peer", "abc", 42.0), c.arguments());
        byte[] raw = c.rawArgumentsFrom(1);
        assertEquals("1106076162630040450000000000000000".substring(0, raw.length * 2), HEX.formatHex(raw));
        TcMessage relayed = TcCommand.encodeWithRaw(m.type(), "onRelay", 0, java.util.Arrays.asList(null, "sender"), raw);
        assertEquals(List.of("sender", "abc", 42.0), TcCommand.decode(relayed).arguments());
    }

    @Test
    void undecodableAmfIsAFormatError() {
        TcMessage bad = new TcMessage(TcMessage.COMMAND_AMF0, 0, HEX.parseHex("020004616263640040"));
        assertThrows(TcFormatException.class, () -> TcCommand.decode(bad));
        assertNull(TcMessage.decode(new byte[] {0x14, 0, 0}));
        assertThrows(TcFormatException.class, () -> TcCommand.decode(new TcMessage(TcMessage.AUDIO, 0, new byte[1])));
        assertNull(TcCommand.peekName(new TcMessage(TcMessage.COMMAND_AMF0, 0, HEX.parseHex("0200ff61"))));
    }
}
