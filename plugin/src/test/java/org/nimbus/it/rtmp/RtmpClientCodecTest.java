package org.nimbus.it.rtmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.mina.core.buffer.IoBuffer;
import org.junit.jupiter.api.Test;
import org.red5.server.api.IConnection;
import org.red5.server.net.rtmp.InboundHandshake;
import org.red5.server.net.rtmp.event.ChunkSize;
import org.red5.server.net.rtmp.event.IRTMPEvent;
import org.red5.server.net.rtmp.event.Invoke;
import org.red5.server.net.rtmp.message.Constants;
import org.red5.server.net.rtmp.message.Header;
import org.red5.server.net.rtmp.message.Packet;
import org.red5.server.service.PendingCall;

/** The test client's own parts, in memory: its handshake against Red5's server side, and its codec driver. */
class RtmpClientCodecTest {
    private static final ClientRtmpConnection.Transport NOWHERE = new ClientRtmpConnection.Transport() {
        @Override
        public void write(Packet packet) {
            throw new AssertionError("unexpected write " + packet);
        }

        @Override
        public void writeRaw(IoBuffer bytes) {
            throw new AssertionError("unexpected raw write");
        }

        @Override
        public void close() {
            throw new AssertionError("the decoder gave up");
        }
    };

    private static RtmpChunkStream stream() {
        return stream(IConnection.Encoding.AMF0);
    }

    private static RtmpChunkStream stream(IConnection.Encoding encoding) {
        return new RtmpChunkStream(new ClientRtmpConnection(encoding, NOWHERE));
    }

    private static Packet invoke(int transaction, String method, Object... args) {
        Invoke invoke = new Invoke();
        invoke.setCall(new PendingCall(null, method, args));
        invoke.setTransactionId(transaction);
        return packet(3, invoke);
    }

    private static Packet packet(int chunkStream, IRTMPEvent event) {
        Header h = new Header();
        h.setChannelId(chunkStream);
        h.setDataType(event.getDataType());
        h.setStreamId(0);
        return new Packet(h, event);
    }

    @Test
    void red5sServerHandshakeTakesTheSimpleHandshakeAndEchoesC1() throws Exception {
        SimpleHandshake hs = new SimpleHandshake(new Random(7));
        byte[] c0c1 = hs.c0c1();
        assertEquals(SimpleHandshake.VERSION, c0c1[0]);
        InboundHandshake server = new InboundHandshake();
        IoBuffer s0s1s2 = server.decodeClientRequest1(IoBuffer.wrap(c0c1, 1, SimpleHandshake.SIZE));
        byte[] answer = new byte[s0s1s2.remaining()];
        s0s1s2.get(answer);
        byte[] c2 = hs.c2(answer); // throws unless S0 is 3 and S2 echoes C1: Red5 took the un-versioned path
        assertArrayEquals(java.util.Arrays.copyOfRange(answer, 1, 1 + SimpleHandshake.SIZE), c2);
        assertTrue(server.decodeClientRequest2(IoBuffer.wrap(c2)));

        answer[answer.length - 1] ^= 1;
        assertThrows(IOException.class, () -> hs.c2(answer));
    }

    @Test
    void aChunkedMessageFedByteByByteComesOutWholeOnItsLastByte() {
        String big = "x".repeat(5000); // forty 128-byte chunks
        byte[] wire = stream().encode(invoke(5, "registry", Map.of("op", "send", "text", big)));
        RtmpChunkStream receiver = stream();
        List<Packet> got = new ArrayList<>();
        for (int i = 0; i < wire.length; i++) {
            got.addAll(receiver.decode(wire, i, 1));
            assertEquals(i == wire.length - 1 ? 1 : 0, got.size(), "after byte " + i);
        }
        Invoke in = (Invoke) got.get(0).getMessage();
        assertEquals("registry", in.getCall().getServiceMethodName());
        assertEquals(5, in.getTransactionId());
        assertEquals(big, ((Map<?, ?>) in.getCall().getArguments()[0]).get("text"));
    }

    @Test
    void aLargerChunkSizeMeansFewerChunkHeaders() {
        String big = "y".repeat(3000);
        byte[] at128 = stream().encode(invoke(3, "same", big));
        RtmpChunkStream sender = stream();
        sender.encode(packet(2, new ChunkSize(4096)));
        byte[] at4096 = sender.encode(invoke(3, "same", big));
        int payload = at4096.length - 12; // one chunk behind a full (type 0) header
        assertEquals((payload + 127) / 128 - 1, at128.length - at4096.length); // a 1-byte header per further chunk
    }

    @Test
    void severalMessagesInOneReadWithAChunkSizeChangeBetweenThem() {
        RtmpChunkStream sender = stream();
        String big = "z".repeat(3000);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(sender.encode(invoke(2, "first", big)));
        wire.writeBytes(sender.encode(packet(2, new ChunkSize(4096))));
        wire.writeBytes(sender.encode(invoke(3, "second", big)));
        byte[] all = wire.toByteArray();

        RtmpChunkStream receiver = stream();
        List<Packet> got = new ArrayList<>(receiver.decode(all, 0, all.length));
        assertEquals(3, got.size());
        assertEquals(Constants.TYPE_CHUNK_SIZE, got.get(1).getHeader().getDataType());
        assertEquals(4096, receiver.connection().getState().getReadChunkSize());
        Invoke first = (Invoke) got.get(0).getMessage();
        Invoke second = (Invoke) got.get(2).getMessage();
        assertEquals(List.of("first", 2, big), List.of(first.getCall().getServiceMethodName(), first.getTransactionId(),
                first.getCall().getArguments()[0]));
        assertEquals(List.of("second", 3, big), List.of(second.getCall().getServiceMethodName(), second.getTransactionId(),
                second.getCall().getArguments()[0]));
    }

    @Test
    void anAmf3ResultAsRed5WritesItDecodesWithTheAvmPlusSwitchPerValue() {
        // what Red5 sends an AMF3 connection: an AMF0 command (type 0x14) whose values are AVM+-marked AMF3
        PendingCall call = new PendingCall(null, "registry", null);
        Map<String, Object> reply = new java.util.LinkedHashMap<>();
        reply.put("op", "found");
        reply.put("online", true);
        reply.put("peerIds", List.of("a".repeat(64), "b".repeat(64)));
        reply.put("id", 1.5);
        call.setResult(reply);
        call.setStatus(org.red5.server.service.Call.STATUS_SUCCESS_RESULT);
        Invoke result = new Invoke(call);
        result.setTransactionId(9);
        byte[] wire = stream(IConnection.Encoding.AMF3).encode(packet(3, result));
        assertEquals(Constants.TYPE_INVOKE, wire[7]);
        assertTrue(new String(wire, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf(0x11) > 0, "no AVM+ marker");

        List<Packet> got = stream(IConnection.Encoding.AMF3).decode(wire, 0, wire.length);
        Invoke in = (Invoke) got.get(0).getMessage();
        assertEquals("_result", in.getCall().getServiceMethodName());
        assertEquals(9, in.getTransactionId());
        Object[] args = in.getCall().getArguments();
        assertEquals(1, args.length);
        Map<?, ?> m = (Map<?, ?>) args[0];
        assertEquals("found", m.get("op"));
        assertEquals(true, m.get("online"));
        assertEquals(1.5, ((Number) m.get("id")).doubleValue());
        Object ids = m.get("peerIds");
        assertEquals(List.of("a".repeat(64), "b".repeat(64)), ids instanceof Object[] a ? List.of(a) : ids);
    }
}
