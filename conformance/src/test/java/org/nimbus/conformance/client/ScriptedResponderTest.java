package org.nimbus.conformance.client;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.math.BigInteger;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nimbus.conformance.Vectors;
import org.nimbus.conformance.crypto.DhGroup;
import org.nimbus.conformance.crypto.NegotiationMode;
import org.nimbus.conformance.crypto.ProfileOptions;
import org.nimbus.conformance.tc.ConnectStyle;
import org.nimbus.conformance.tc.NetConnection;
import org.nimbus.conformance.tc.TcMetadata;
import org.nimbus.conformance.wire.Ack;
import org.nimbus.conformance.wire.Chunk;
import org.nimbus.conformance.wire.ChunkType;
import org.nimbus.conformance.wire.CryptoDirection;
import org.nimbus.conformance.wire.DatagramCodec;
import org.nimbus.conformance.wire.Hex;
import org.nimbus.conformance.wire.IHello;
import org.nimbus.conformance.wire.OptionList;
import org.nimbus.conformance.wire.Packet;
import org.nimbus.conformance.wire.UserData;

/**
 * The client's socket, retransmission, key and session machinery against a responder that only
 * replays tcserver's captured datagrams (set 2). The client is seeded with the probe's tag, DH
 * exponent, session id and SKIC randomness, so its IIKeying must equal the captured one byte for
 * byte and the captured server packets must decrypt under the keys it derives.
 */
class ScriptedResponderTest {

    static List<String> files() {
        return Vectors.SET2;
    }

    static NegotiationMode modeOf(OptionList skic, int type) {
        return skic.first(type).map(o -> {
            int flags = o.value()[0] & 0xff;
            for (NegotiationMode m : NegotiationMode.values()) {
                if (m.flags == flags) {
                    return m;
                }
            }
            throw new IllegalStateException("flags " + flags);
        }).orElse(NegotiationMode.NOT_OFFERED);
    }

    @ParameterizedTest
    @MethodSource("files")
    void handshakeConnectPingCloseAgainstReplayedServer(String file) throws Exception {
        JsonObject v = Vectors.file(file);
        JsonObject hs = v.getAsJsonObject("handshake");
        JsonObject keys = v.getAsJsonObject("keys");
        JsonArray packets = v.getAsJsonArray("packets");
        byte[] skic = Vectors.hex(hs, "skic_hex");
        OptionList skicOptions = OptionList.parse(skic);

        ConnectOptions o = ConnectOptions.defaults().epd(EpdForm.FULL_URI)
                .dhGroup(DhGroup.byId(v.getAsJsonObject("dh").get("group").getAsInt()).orElseThrow())
                .hmac(modeOf(skicOptions, ProfileOptions.KEYING_HMAC_NEGOTIATION), 10)
                .ssn(modeOf(skicOptions, ProfileOptions.KEYING_SSN_NEGOTIATION))
                .timeout(Duration.ofSeconds(8));
        o.fixedTag = Vectors.hex(hs, "ihello_tag");
        o.fixedInitiatorSessionId = (int) Long.parseLong(hs.get("initiator_session_id_hex").getAsString(), 16);
        o.fixedDhPrivateKey = new BigInteger(v.getAsJsonObject("dh").get("client_private_hex").getAsString(), 16).toByteArray();
        o.fixedSkicRandomness = skicOptions.first(ProfileOptions.KEYING_EXTRA_RANDOMNESS).orElseThrow().value();

        JsonObject hin = keys.getAsJsonObject("hmac_in_use");
        CryptoDirection serverRecv = new CryptoDirection(Vectors.hex(keys, "server_decrypt_key_hex"),
                hin.get("client_to_server").getAsBoolean() ? Vectors.hex(keys, "hmac_send_key_hex") : null,
                hin.has("client_to_server_length") ? hin.get("client_to_server_length").getAsInt() : 0,
                keys.getAsJsonObject("ssn_in_use").get("client_to_server").getAsBoolean());
        byte[] iikeyingPayload = Vectors.hex(packets.get(2).getAsJsonObject().getAsJsonArray("chunks").get(0).getAsJsonObject(),
                "payload_hex");
        byte[] pingMessage = Vectors.hex(packets.get(8).getAsJsonObject().getAsJsonArray("chunks").get(0).getAsJsonObject(),
                "payload_hex");

        List<String> problems = new CopyOnWriteArrayList<>();
        try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             RtmfpClient client = new RtmfpClient()) {
            String uri = "rtmfp://127.0.0.1:" + server.getLocalPort() + "/live";
            Thread responder = new Thread(() -> {
                try {
                    script(server, packets, uri, o.fixedTag, iikeyingPayload, serverRecv, pingMessage, problems);
                } catch (Exception e) {
                    problems.add("responder: " + e);
                }
            });
            responder.setDaemon(true);
            responder.start();

            Session s = client.connect(uri, o);
            assertTrue(s.info().handshakeRetransmissions() >= 1, "the dropped first IHello was retransmitted");
            assertEquals(hs.getAsJsonObject("client_peer_id").get("tcserver_log_accept_peerID").getAsString(),
                    Hex.encode(s.info().peerId()));
            assertEquals(hs.getAsJsonObject("server_fingerprint").get("tcserver_log_fingerprint").getAsString(),
                    Hex.encode(s.info().serverFingerprint()));
            assertEquals(hin.get("server_to_client").getAsBoolean(), s.info().hmac().receive());

            NetConnection nc = new NetConnection(s);
            NetConnection.ConnectResult r = nc.connect("live", uri, ConnectStyle.FLASH, Duration.ofSeconds(5));
            assertTrue(r.success(), "captured _result is a Connect.Success: " + r.reply());
            assertEquals(1.0, r.reply().transactionId());
            assertEquals(1, r.raw().returnFlowId());
            assertTrue(TcMetadata.isTc(r.raw().metadata()));

            assertNotNull(s.ping(pingMessage, Duration.ofSeconds(5)));
            assertTrue(s.close(Duration.ofSeconds(5)), "close acknowledged");
            assertEquals(Session.State.CLOSED_BY_US, s.state());
            responder.join(5000);
            assertEquals(List.of(), problems);
            for (Session.Received rec : s.receivedPackets()) {
                assertEquals(org.nimbus.conformance.wire.PacketMode.RESPONDER, rec.packet().mode());
            }
        }
    }

    /** Replays the server side of the capture, checking what the client sends at each step. */
    private static void script(DatagramSocket server, JsonArray packets, String uri, byte[] tag, byte[] iikeyingPayload,
                               CryptoDirection serverRecv, byte[] pingMessage, List<String> problems) throws Exception {
        server.setSoTimeout(8000);
        int ihellos = 0;
        boolean connectAnswered = false;
        boolean ackSeen = false;
        byte[] buf = new byte[4096];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            server.receive(p);
            byte[] d = java.util.Arrays.copyOf(p.getData(), p.getLength());
            InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
            if (DatagramCodec.sessionId(d) == 0) {
                Chunk c = DatagramCodec.decode(d, CryptoDirection.startup()).packet().chunks().get(0);
                if (c.type() == ChunkType.IHELLO) {
                    IHello h = IHello.decode(c.payload());
                    expect(problems, java.util.Arrays.equals(tag, h.tag()), "IHello tag");
                    String epd = new String(OptionList.parse(h.epd()).first(0x0a).orElseThrow().value(), StandardCharsets.UTF_8);
                    expect(problems, epd.equals(uri), "IHello EPD carries the full URI, got " + epd);
                    if (++ihellos == 2) { // drop the first to exercise retransmission
                        send(server, packets, 1, from);
                    }
                } else if (c.type() == ChunkType.IIKEYING) {
                    expect(problems, Hex.encode(iikeyingPayload).equals(Hex.encode(c.payload())), "IIKeying equals the capture");
                    send(server, packets, 3, from);
                }
                continue;
            }
            Packet pk = DatagramCodec.decode(d, serverRecv).packet();
            for (Chunk c : pk.chunks()) {
                switch (c.type()) {
                    case ChunkType.USER_DATA -> {
                        UserData u = UserData.decode(c, null);
                        expect(problems, u.flowId() == 1 && u.options().get(0).type() == UserData.OPTION_METADATA
                                && Hex.encode(u.options().get(0).value()).equals("54430400"), "connect on a TC flow");
                        if (!connectAnswered) {
                            send(server, packets, 5, from);
                            send(server, packets, 6, from);
                            connectAnswered = true;
                        }
                    }
                    case ChunkType.RANGE_ACK -> {
                        Ack a = Ack.decode(c);
                        expect(problems, a.flowId() == 2 && a.cumulativeAck() == 1, "client acks server flow 2 seq 1");
                        ackSeen = true;
                    }
                    case ChunkType.PING -> {
                        expect(problems, java.util.Arrays.equals(pingMessage, c.payload()), "ping message");
                        send(server, packets, 9, from);
                    }
                    case ChunkType.SESSION_CLOSE -> {
                        expect(problems, ackSeen, "the _result was acknowledged before close");
                        send(server, packets, 11, from);
                        return;
                    }
                    default -> problems.add("unexpected chunk 0x" + Integer.toHexString(c.type()));
                }
            }
        }
    }

    private static void send(DatagramSocket s, JsonArray packets, int index, InetSocketAddress to) throws Exception {
        byte[] d = Vectors.hex(packets.get(index).getAsJsonObject(), "datagram_hex");
        s.send(new DatagramPacket(d, d.length, to));
    }

    private static void expect(List<String> problems, boolean ok, String what) {
        if (!ok) {
            problems.add(what);
        }
    }
}
