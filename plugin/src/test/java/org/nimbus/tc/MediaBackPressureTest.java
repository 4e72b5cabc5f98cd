package org.nimbus.tc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nimbus.conformance.client.ConnectOptions;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.tc.ConnectStyle;
import org.nimbus.conformance.tc.NetConnection;
import org.nimbus.conformance.tc.NetStream;
import org.nimbus.introduction.PeerDirectory;
import org.nimbus.rtmfp.session.FlowDispatcher;
import org.nimbus.rtmfp.session.SessionConfig;
import org.nimbus.transport.RtmfpServer;

/**
 * A player that stops reading and acknowledging while the server pushes live media at it, over
 * real loopback UDP with the kit's client: the server's flow for that stream stays within the
 * bound (plus one message) instead of queueing everything, and once the player reads again the
 * session carries on, video resuming at a keyframe.
 */
class MediaBackPressureTest {
    private static final Duration T = Duration.ofSeconds(20);
    private static final int BOUND = 65_536;
    private static final int KEYFRAME = 20_000;
    private static final int INTER = 3_000;
    private static final int AUDIO = 300;
    private static final int FRAMES = 300;
    private static final int GOP = 25;

    private RtmfpServer server;
    private TcFlowService tc;
    private final CompletableFuture<TcSession> playing = new CompletableFuture<>();
    private String uri;

    /** Accepts connects, answers createStream with stream 1, and reports a play. */
    private final TcApplication app = new TcApplication() {
        @Override
        public void onConnect(TcSession session, TcMessage connect) {
            double tx = TcCommand.decode(connect).transactionId();
            tc.post(session, s -> s.accept(tx, Replies.connectSuccess(3, s.peerIdHex(), tc.serverFingerprintHex()),
                    15_000, 10_000, tc.now()));
        }

        @Override
        public void onMessage(TcSession session, long streamId, TcMessage message) {
            if (!message.isCommand()) {
                return;
            }
            TcCommand c = TcCommand.decode(message);
            if (streamId == 0 && c.name().equals("createStream")) {
                tc.post(session, s -> s.write(0, Replies.result(c.transactionId(), 1.0), tc.now()));
            } else if (streamId == 1 && c.name().equals("play")) {
                playing.complete(session);
            }
        }

        @Override
        public void onClosed(TcSession session) {
        }
    };

    @BeforeEach
    void start() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = probe.getLocalPort();
        }
        tc = new TcFlowService(app, new PeerDirectory(), 15_000, 10_000, BOUND);
        server = new RtmfpServer(new SessionConfig(100, 15_000, 60_000, 1 << 20, 16), new FlowDispatcher().add(tc));
        server.start(List.of(new InetSocketAddress("127.0.0.1", port)));
        server.attach(tc);
        uri = "rtmfp://127.0.0.1:" + port + "/live";
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Video frame {@code i} (a keyframe every GOP frames) or its audio, the index after the FLV header bytes. */
    private static TcMessage media(int type, int i) {
        boolean key = i % GOP == 0;
        ByteBuffer b = ByteBuffer.allocate(type == TcMessage.AUDIO ? AUDIO : key ? KEYFRAME : INTER);
        b.put(type == TcMessage.AUDIO ? (byte) 0xaf : (byte) ((key ? 1 : 2) << 4 | 7)).put((byte) 1).putInt(i);
        return new TcMessage(type, i * 40L, b.array());
    }

    @Test
    void aPlayerThatStopsAcknowledgingCostsTheServerAtMostTheBound() throws Exception {
        try (RtmfpClient client = new RtmfpClient()) {
            Session s = client.connect(uri, ConnectOptions.defaults());
            NetConnection nc = new NetConnection(s);
            assertTrue(nc.connect("live", uri, ConnectStyle.FLASH, T).success());
            NetStream ns = NetStream.create(nc, T);
            ns.play("live");
            TcSession session = playing.get(T.toSeconds(), TimeUnit.SECONDS);

            // The player now reads nothing and acknowledges nothing: this thread does not pump it.
            AtomicLong maxBuffered = new AtomicLong();
            Set<Integer> videoWritten = new ConcurrentSkipListSet<>();
            long shedBefore = server.endpoint().counters().get("tc.media-shed");
            for (int i = 0; i < FRAMES; i++) {
                int n = i;
                tc.post(session, t -> {
                    t.write(1, media(TcMessage.AUDIO, n), tc.now());
                    long before = t.bufferedBytes(1);
                    t.write(1, media(TcMessage.VIDEO, n), tc.now());
                    if (t.bufferedBytes(1) > before) {
                        videoWritten.add(n);
                    }
                    maxBuffered.accumulateAndGet(t.bufferedBytes(1), Math::max);
                });
            }
            CompletableFuture<Long> done = new CompletableFuture<>();
            tc.post(session, t -> {
                t.write(1, TcCommand.encode("onEnd", 0, "end"), tc.now());
                done.complete(t.bufferedBytes(1));
            });
            long buffered = done.get(T.toSeconds(), TimeUnit.SECONDS);
            long pushed = (long) FRAMES * (AUDIO + INTER) + (long) (FRAMES / GOP) * (KEYFRAME - INTER);
            long shed = server.endpoint().counters().get("tc.media-shed") - shedBefore;
            System.out.printf("slow player: %d bytes pushed, at most %d buffered (bound %d), %d messages shed%n",
                    pushed, maxBuffered.get(), BOUND, shed);
            assertTrue(maxBuffered.get() <= BOUND + KEYFRAME + TcMessage.HEADER_SIZE,
                    "the flow held " + maxBuffered.get() + " bytes; bound " + BOUND);
            assertTrue(buffered <= BOUND + KEYFRAME + TcMessage.HEADER_SIZE + 100);
            assertTrue(shed > FRAMES / 2, "media shed: " + shed);

            // The player reads again: it gets what was kept, in order, video resuming at keyframes,
            // and the session carries on to the last (never shed) message.
            List<Integer> video = new ArrayList<>();
            while (true) {
                org.nimbus.conformance.tc.TcMessage m = org.nimbus.conformance.tc.TcMessage.decode(s.receive(ns::isForMe, T).data());
                if (m.type() == TcMessage.VIDEO) {
                    video.add(ByteBuffer.wrap(m.body()).getInt(2));
                } else if (m.type() == TcMessage.COMMAND_AMF0) {
                    break;
                }
            }
            assertTrue(new TreeSet<>(videoWritten).containsAll(video), "only frames the server wrote arrive");
            assertEquals(0, video.get(0));
            for (int k = 1; k < video.size(); k++) {
                int prev = video.get(k - 1);
                int cur = video.get(k);
                assertTrue(cur > prev, "in order: " + video);
                assertTrue(cur == prev + 1 || cur % GOP == 0, "after a gap, a keyframe: " + prev + " then " + cur);
            }
        }
    }
}
