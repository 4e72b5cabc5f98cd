package org.nimbus.tc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nimbus.conformance.client.ConnectOptions;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.SendFlow;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.tc.AmfObject;
import org.nimbus.conformance.tc.Command;
import org.nimbus.conformance.tc.ConnectStyle;
import org.nimbus.conformance.tc.NetConnection;
import org.nimbus.introduction.PeerDirectory;
import org.nimbus.rtmfp.session.FlowDispatcher;
import org.nimbus.rtmfp.session.SessionConfig;
import org.nimbus.transport.RtmfpServer;

/**
 * The TC layer over real loopback UDP without Red5: the kit's independent client against
 * RtmfpServer + TcFlowService, with an application that accepts every connect. Covers what the
 * TC layer answers itself (connect reply + keepalive, setPeerInfo, relay) and bad input.
 */
class TcFlowServiceTest {
    private static final Duration T = Duration.ofSeconds(10);

    private RtmfpServer server;
    private TcFlowService tc;
    private final PeerDirectory peers = new PeerDirectory();
    private final CompletableFuture<TcSession> closed = new CompletableFuture<>();
    private final List<String> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();
    private String uri;

    /** Accepts every connect from the loop's side, as the Red5 bridge does from its threads. */
    private final TcApplication acceptAll = new TcApplication() {
        @Override
        public void onConnect(TcSession session, org.nimbus.tc.TcMessage connect) {
            double tx = TcCommand.decode(connect).transactionId();
            new Thread(() -> tc.post(session, s -> s.accept(tx, Replies.connectSuccess(3, s.peerIdHex(),
                    tc.serverFingerprintHex()), 15_000, 10_000, tc.now()))).start();
        }

        /** Records what reaches the application; a stream command is answered on its stream, as Red5 answers publish. */
        @Override
        public void onMessage(TcSession session, long streamId, org.nimbus.tc.TcMessage message) {
            delivered.add(streamId + ":" + Integer.toHexString(message.type()));
            if (streamId != 0 && message.isCommand()) {
                tc.post(session, s -> s.write(streamId, TcCommand.encode("onStatus", 0, null,
                        Replies.info("status", "NetStream.Publish.Start", "answered on stream " + streamId)), tc.now()));
            }
        }

        @Override
        public void onClosed(TcSession session) {
            closed.complete(session);
        }
    };

    @BeforeEach
    void start() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = probe.getLocalPort();
        }
        tc = new TcFlowService(acceptAll, peers, 15_000, 10_000, 262_144);
        FlowDispatcher flows = new FlowDispatcher().add(tc);
        server = new RtmfpServer(new SessionConfig(100, 15_000, 60_000, 1 << 20, 16), flows);
        server.start(List.of(new InetSocketAddress("127.0.0.1", port)));
        server.attach(tc);
        uri = "rtmfp://127.0.0.1:" + port + "/live";
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private NetConnection connect(RtmfpClient client, ConnectStyle style) throws Exception {
        Session s = client.connect(uri, ConnectOptions.defaults());
        NetConnection nc = new NetConnection(s);
        NetConnection.ConnectResult r = nc.connect("live", uri, style, T);
        assertTrue(r.success(), "connect: " + r.reply());
        return nc;
    }

    @Test
    void connectAnswersWithPeerIdsAndKeepaliveInOnePacket() throws Exception {
        for (ConnectStyle style : ConnectStyle.values()) {
            try (RtmfpClient client = new RtmfpClient()) {
                Session s = client.connect(uri, ConnectOptions.defaults());
                NetConnection nc = new NetConnection(s);
                NetConnection.ConnectResult r = nc.connect("live", uri, style, T);
                assertTrue(r.success(), style + ": " + r.reply());
                assertEquals(style.transactionId, r.reply().transactionId());
                AmfObject info = r.reply().infoObject();
                assertEquals(HexFormat.of().formatHex(s.info().peerId()), info.string("connectionID"));
                assertEquals(HexFormat.of().formatHex(s.info().serverFingerprint()), info.string("farID"));
                assertEquals(nc.flow().flowId(), r.raw().returnFlowId());
                assertNotNull(r.keepalive(), "keepalive 0x29");
                assertEquals(15_000, r.keepalive().serverMillis());
                assertEquals(10_000, r.keepalive().peerMillis());
                // one packet held both (MonaTiny's layout): a User Data chunk then a Next User Data chunk
                assertTrue(s.receivedPackets().stream().anyMatch(p -> p.packet().chunks().size() >= 2
                        && p.packet().chunks().get(0).type() == 0x10 && p.packet().chunks().get(1).type() == 0x11));
            }
        }
    }

    @Test
    void setPeerInfoIsStoredAndAnsweredWithoutError() throws Exception {
        try (RtmfpClient client = new RtmfpClient()) {
            NetConnection nc = connect(client, ConnectStyle.LIBRTMFP);
            String peerId = HexFormat.of().formatHex(nc.session().info().peerId());
            // librtmfp's form: transaction 0, no null command object, no address at all
            nc.send(new Command("setPeerInfo", 0, List.of()));
            assertTrue(nc.awaitReply(0, T).isResult());
            assertTrue(peers.addressesOf(peerId).isEmpty());
            nc.send(new Command("setPeerInfo", 0, List.of("192.168.7.8:4000", "[fe80::2]:4001", "bogus")));
            assertTrue(nc.awaitReply(0, T).isResult());
            assertEquals(List.of(new InetSocketAddress("192.168.7.8", 4000), new InetSocketAddress("fe80::2", 4001)),
                    peers.addressesOf(peerId));
        }
    }

    @Test
    void relayReachesTheTargetAsOnRelayAndUnknownTargetsGetAnError() throws Exception {
        try (RtmfpClient a = new RtmfpClient(); RtmfpClient b = new RtmfpClient()) {
            NetConnection na = connect(a, ConnectStyle.FLASH);
            NetConnection nb = connect(b, ConnectStyle.LIBRTMFP);
            String idA = HexFormat.of().formatHex(na.session().info().peerId());
            String idB = HexFormat.of().formatHex(nb.session().info().peerId());
            Command r = na.call("relay", org.nimbus.conformance.tc.TcMessage.COMMAND_AMF0, T, idB, "hello", 42.0,
                    new AmfObject().with("k", "v"));
            assertTrue(r.isResult(), r.toString());
            Command got = nb.awaitCommand("onRelay", T);
            assertEquals(Arrays.asList(null, idA, "hello", 42.0, new AmfObject().with("k", "v")), got.args());

            Command unknown = na.call("relay", org.nimbus.conformance.tc.TcMessage.COMMAND_AMF0, T, "00".repeat(32), "x");
            assertTrue(unknown.isError());
            assertEquals("NetConnection.Call.Failed", unknown.infoObject().string("code"));
        }
    }

    @Test
    void badInputGetsAnErrorForThatClientOnly() throws Exception {
        try (RtmfpClient client = new RtmfpClient()) {
            Session s = client.connect(uri, ConnectOptions.defaults());
            NetConnection nc = new NetConnection(s);
            // a call before connect
            Command early = nc.call("anything", org.nimbus.conformance.tc.TcMessage.COMMAND_AMF0, T);
            assertTrue(early.isError());
            // a NetStream flow while not connected: refused with a flow exception (RFC 7016 §3.6.3.1)
            SendFlow stream = s.openFlow(org.nimbus.conformance.tc.TcMetadata.forStream(1), nc.flow().flowId());
            s.send(stream, new org.nimbus.conformance.tc.TcMessage(org.nimbus.conformance.tc.TcMessage.AUDIO, 0, new byte[] {0x2f}).encode());
            s.awaitAcknowledged(stream, T);
            assertTrue(stream.exceptionCode() >= 0, "flow exception");

            NetConnection.ConnectResult r = nc.connect("live", uri, ConnectStyle.LIBRTMFP, T);
            assertTrue(r.success());
            // connect twice
            nc.send(ConnectStyle.FLASH.connect("live", uri));
            assertTrue(nc.awaitReply(1.0, T).isError());
            // AMF that does not decode (a string longer than the message) in a relay
            s.send(nc.flow(), new org.nimbus.conformance.tc.TcMessage(org.nimbus.conformance.tc.TcMessage.COMMAND_AMF0, 0, HexFormat.of().parseHex(
                    "020005" + HexFormat.of().formatHex("relay".getBytes()) + "0040140000000000000500ffff41")).encode());
            Command bad = nc.awaitReply(0, T);
            assertTrue(bad.isError());
            assertEquals("NetConnection.Call.BadValue", bad.infoObject().string("code"));
            // the session lives on
            Command fine = nc.call("setPeerInfo", org.nimbus.conformance.tc.TcMessage.COMMAND_AMF0, T);
            assertTrue(fine.isResult());
            assertTrue(s.close(T), "close acknowledged");
        }
        assertNotNull(closed.get(10, TimeUnit.SECONDS), "the application hears the session end");
    }

    /**
     * RFC 7425 §5.1.1 lets a server tie its stream flow to the client's stream flow or to its
     * NetConnection flow; rtmfp-cpp only takes the latter (its handler sits on that flow). A
     * client laid out as librtmfp (docs/vectors/netstream-librtmfp-mona.json: stream flows
     * {@code TC 04 01} tied to server flow 1) gets the answer on a flow with the capture's server
     * metadata {@code 54430401}, tied to its NetConnection flow, not to the stream flow it used.
     * rtmfp-cpp's flow sync user control (§5.2) stays in the TC layer.
     */
    @Test
    void streamAnswersGoOnAFlowTiedToTheNetConnectionFlow() throws Exception {
        try (RtmfpClient client = new RtmfpClient()) {
            NetConnection nc = connect(client, ConnectStyle.LIBRTMFP);
            Session s = nc.session();
            SendFlow stream = s.openFlow(HexFormat.of().parseHex("54430401"), nc.serverFlowId());
            s.send(stream, HexFormat.of().parseHex("040000000000220000000700000001"));
            s.send(stream, HexFormat.of().parseHex("14000000000200077075626c69736800000000000000000005110607766563"));
            org.nimbus.conformance.client.ReceivedMessage answer = s.receive(m -> Arrays.equals(m.metadata(),
                    HexFormat.of().parseHex("54430401")), T);
            assertEquals(nc.flow().flowId(), answer.returnFlowId(), "tied to the NetConnection flow");
            assertTrue(stream.flowId() != nc.flow().flowId());
            assertEquals("NetStream.Publish.Start", Command.parse(answer.data()).infoObject().string("code"));
            assertEquals(List.of("1:14"), delivered, "the publish reached the application, the flow sync did not");
        }
    }
}
