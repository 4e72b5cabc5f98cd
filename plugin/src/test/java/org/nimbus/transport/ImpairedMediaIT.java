package org.nimbus.transport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.nimbus.conformance.client.ConnectOptions;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.media.Delivery;
import org.nimbus.conformance.media.Sample;
import org.nimbus.conformance.media.SyntheticMedia;
import org.nimbus.conformance.tc.AmfObject;
import org.nimbus.conformance.tc.Command;
import org.nimbus.conformance.tc.ConnectStyle;
import org.nimbus.conformance.tc.NetConnection;
import org.nimbus.conformance.tc.NetStream;
import org.nimbus.conformance.tc.TcMessage;
import org.nimbus.it.Red5Install;

/**
 * A live stream published through the assembled install (RFC 7425 §5.3) to two players: one on a
 * clean path, one behind the user-space impairing relay (10 % loss, 10 % reordering, 5 %
 * duplication, up to 200 ms jitter each way; this kernel has no sch_netem). The impaired player
 * keeps playing: it gets at least the clean player's video frames × (1 − loss), each a frame that
 * was sent, in the order sent, none twice.
 */
class ImpairedMediaIT {
    private static final double LOSS = 0.10;
    private static final int SECONDS = 10;
    private static final Duration T = Duration.ofSeconds(30);

    @Test
    void aLiveStreamKeepsPlayingThroughLossReorderingDuplicationAndJitter() throws Exception {
        try (Red5Install red5 = Red5Install.copy(Map.of())) {
            red5.start();
            red5.awaitLine(Pattern.compile("Nimbus \\S+ started: RTMFP on udp"), Duration.ofSeconds(90));
            red5.awaitHttp(Duration.ofSeconds(90));
            String direct = "rtmfp://127.0.0.1:" + red5.rtmfpPort + "/nimbus";
            try (ImpairedUdpProxy proxy = new ImpairedUdpProxy(new InetSocketAddress("127.0.0.1", red5.rtmfpPort), LOSS,
                    0.10, 0.05, Duration.ofMillis(200), 1935);
                 RtmfpClient pub = new RtmfpClient(); RtmfpClient clean = new RtmfpClient();
                 RtmfpClient impaired = new RtmfpClient()) {
                NetConnection p = connect(pub, direct, direct);
                NetConnection c = connect(clean, direct, direct);
                NetConnection i = connect(impaired, "rtmfp://127.0.0.1:" + proxy.port() + "/nimbus", direct);
                NetStream out = NetStream.create(p, T);
                out.publish("impaired", "live");
                expect(out, "NetStream.Publish.Start");
                NetStream cleanIn = play(c, "impaired");
                NetStream impairedIn = play(i, "impaired");
                CompletableFuture<List<Sample>> cleanGot = CompletableFuture.supplyAsync(() -> collect(cleanIn));
                CompletableFuture<List<Sample>> impairedGot = CompletableFuture.supplyAsync(() -> collect(impairedIn));

                List<Sample> media = SyntheticMedia.of(SECONDS);
                long t0 = System.nanoTime();
                for (Sample m : media) {
                    // at the media's own pace: a live source
                    long due = t0 + m.timestamp() * 1_000_000L;
                    while (System.nanoTime() < due) {
                        Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
                    }
                    out.send(m.type(), m.timestamp(), m.body());
                }
                out.awaitAcknowledged(T);
                out.close(); // the players get NetStream.Play.UnpublishNotify, which ends their collection
                List<Sample> cg = cleanGot.get();
                List<Sample> ig = impairedGot.get();
                long cleanVideo = Delivery.frames(cg, Sample.VIDEO);
                long impairedVideo = Delivery.frames(ig, Sample.VIDEO);
                System.out.printf("impaired media: %d video frames sent, clean player %d, impaired player %d (%d audio); "
                                + "relay dropped %d, reordered %d, duplicated %d of %d%n",
                        Delivery.frames(media, Sample.VIDEO), cleanVideo, impairedVideo, Delivery.frames(ig, Sample.AUDIO),
                        proxy.dropped.get(), proxy.reordered.get(), proxy.duplicated.get(), proxy.forwarded.get());
                assertTrue(impairedVideo >= Math.floor(cleanVideo * (1 - LOSS)),
                        "impaired player got " + impairedVideo + " video frames, clean " + cleanVideo);
                assertTrue(cleanVideo > 0);
                assertTrue(proxy.dropped.get() > 0 && proxy.duplicated.get() > 0, "impairments happened");
                for (int type : new int[] {Sample.VIDEO, Sample.AUDIO}) {
                    assertTrue(inSentOrder(media, ig, type), "impaired player: frames sent, in order, none twice");
                }
            }
        }
    }

    private static NetConnection connect(RtmfpClient client, String via, String tcUrl) throws Exception {
        NetConnection nc = new NetConnection(client.connect(via, ConnectOptions.defaults().timeout(T)));
        assertTrue(nc.connect("nimbus", tcUrl, ConnectStyle.FLASH, T).success());
        return nc;
    }

    private static NetStream play(NetConnection nc, String name) throws Exception {
        NetStream in = NetStream.create(nc, T);
        in.play(name);
        expect(in, "NetStream.Play.Start");
        return in;
    }

    private static void expect(NetStream ns, String code) throws Exception {
        AmfObject info = ns.awaitStatus(x -> code.equals(x) || x.endsWith("Failed") || x.endsWith("NotFound"), T);
        assertTrue(code.equals(info.string("code")), "expected " + code + ", got " + info.string("code"));
    }

    /** Media until the stream's UnpublishNotify. */
    private static List<Sample> collect(NetStream in) {
        List<Sample> got = new ArrayList<>();
        try {
            while (true) {
                TcMessage m = in.awaitMessage(T, TcMessage.VIDEO, TcMessage.AUDIO, TcMessage.COMMAND_AMF0, TcMessage.COMMAND_AMF3);
                if (m.type() == TcMessage.VIDEO || m.type() == TcMessage.AUDIO) {
                    got.add(new Sample(m.type(), m.timestamp(), m.body()));
                    continue;
                }
                AmfObject info = Command.fromMessage(m).infoObject();
                if (info != null && "NetStream.Play.UnpublishNotify".equals(info.string("code"))) {
                    return got;
                }
            }
        } catch (Exception e) {
            throw new AssertionError("player after " + got.size() + " samples: " + e, e);
        }
    }

    /** Every received frame of the type is a sent one, later in the sent order than the one before. */
    private static boolean inSentOrder(List<Sample> sent, List<Sample> got, int type) {
        List<Sample> s = sent.stream().filter(x -> x.type() == type && !x.isConfig()).toList();
        int at = 0;
        for (Sample g : got) {
            if (g.type() != type || g.isConfig()) {
                continue;
            }
            while (at < s.size() && !s.get(at).sameBody(g.body())) {
                at++;
            }
            if (at == s.size()) {
                return false;
            }
            at++;
        }
        return true;
    }
}
