package org.nimbus.it.tc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nimbus.conformance.client.ConnectOptions;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.tc.AmfObject;
import org.nimbus.conformance.tc.AvmPlus;
import org.nimbus.conformance.tc.Command;
import org.nimbus.conformance.tc.ConnectStyle;
import org.nimbus.conformance.tc.NetConnection;
import org.nimbus.conformance.tc.NetStream;
import org.nimbus.conformance.tc.TcMessage;
import org.nimbus.it.Red5Install;

/**
 * NetConnections and NetStreams over RTMFP inside the assembled Red5 install, over real
 * loopback UDP, with the conformance kit as the client (RFC 7425 §5) and ffmpeg as the RTMP
 * side. The test-only application "tcapp" logs what Red5 shows an application.
 */
class TcNetConnectionIT {
    private static final Duration T = Duration.ofSeconds(15);
    private static final Duration START = Duration.ofSeconds(90);
    private static Red5Install red5;
    private static Path work;

    @BeforeAll
    static void start() throws Exception {
        red5 = Red5Install.copy(Map.of());
        installTestApp(red5.home);
        red5.start();
        red5.awaitLine(Pattern.compile("Nimbus .* started: RTMFP"), START);
        red5.awaitHttp(START);
        work = Files.createTempDirectory("nimbus-tc-it-");
    }

    @AfterAll
    static void stop() throws Exception {
        if (red5 != null) {
            System.out.println("---- Red5 output (TcNetConnectionIT) ----\n" + red5.output());
            red5.close();
        }
    }

    /** tcapp goes into this copy only: its Spring file and the compiled handler class. */
    private static void installTestApp(Path home) throws IOException, URISyntaxException {
        Path src = Path.of(TcNetConnectionIT.class.getResource("/tcapp").toURI());
        Path app = home.resolve("webapps/tcapp");
        try (Stream<Path> walk = Files.walk(src)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path t = app.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        String cls = TcTestApplication.class.getName().replace('.', '/') + ".class";
        Path classFile = Path.of(TcTestApplication.class.getResource("/" + cls).toURI());
        Path target = app.resolve("WEB-INF/classes/" + cls);
        Files.createDirectories(target.getParent());
        Files.copy(classFile, target);
    }

    private static String uri(String path) {
        return "rtmfp://127.0.0.1:" + red5.rtmfpPort + "/" + path;
    }

    private static NetConnection connect(RtmfpClient client, String app, ConnectStyle style) throws Exception {
        Session s = client.connect(uri(app), ConnectOptions.defaults());
        NetConnection nc = new NetConnection(s);
        NetConnection.ConnectResult r = nc.connect(app, uri(app), style, T);
        assertTrue(r.success(), "connect to " + app + ": " + r.reply() + "\n" + red5.output());
        return nc;
    }

    private static String peerId(NetConnection nc) {
        return HexFormat.of().formatHex(nc.session().info().peerId());
    }

    @Test
    void aNetConnectionOverIpv6LoopbackEntersTheAppLikeOneOverIpv4() throws Exception {
        // The install binds 127.0.0.1 and [::1] on the RTMFP port (Red5Install's config); a
        // server that only bound [::1] without answering on it once passed every other test.
        String v6 = "rtmfp://[::1]:" + red5.rtmfpPort + "/tcapp/room6";
        try (RtmfpClient client = new RtmfpClient()) {
            Session s = client.connect(v6, ConnectOptions.defaults());
            assertEquals(java.net.InetAddress.getByName("::1"), s.peer().getAddress());
            NetConnection nc = new NetConnection(s);
            NetConnection.ConnectResult r = nc.connect("tcapp/room6", v6, ConnectStyle.values()[0], T);
            assertTrue(r.success(), "connect over [::1]: " + r.reply());
            red5.awaitLine(Pattern.compile("TcTestApplication roomJoin rtmfp:" + peerId(nc) + " room6"), T);
        }
    }

    @Test
    void connectEntersTheAppScopeInBothStylesWithPeerIds() throws Exception {
        for (ConnectStyle style : ConnectStyle.values()) {
            try (RtmfpClient client = new RtmfpClient()) {
                Session s = client.connect(uri("tcapp/room1"), ConnectOptions.defaults());
                NetConnection nc = new NetConnection(s);
                NetConnection.ConnectResult r = nc.connect("tcapp/room1", uri("tcapp/room1"), style, T);
                assertTrue(r.success(), style + ": " + r.reply());
                assertEquals(style.transactionId, r.reply().transactionId());
                AmfObject info = r.reply().infoObject();
                String id = peerId(nc);
                assertEquals(id, info.string("connectionID"), "nearID source");
                assertEquals(HexFormat.of().formatHex(s.info().serverFingerprint()), info.string("farID"));
                assertEquals(3.0, info.get("objectEncoding"));
                assertNotNull(r.keepalive(), "keepalive 0x29 after connect");
                red5.awaitLine(Pattern.compile("TcTestApplication appConnect rtmfp:" + id + " RtmfpConnection client \\S+"), T);
                red5.awaitLine(Pattern.compile("TcTestApplication roomJoin rtmfp:" + id + " room1"), T);
                // Red5's scope lists the RTMFP connection among the app's clients
                Command list = nc.call("connections", TcMessage.COMMAND_AMF0, T);
                assertTrue(list.isResult(), list.toString());
                s.close(T);
                red5.awaitLine(Pattern.compile("TcTestApplication appDisconnect rtmfp:" + id), T);
            }
        }
    }

    @Test
    void callsRoundTripInAmf0AndAmf3AndUnknownMethodsFail() throws Exception {
        try (RtmfpClient client = new RtmfpClient()) {
            NetConnection nc = connect(client, "tcapp", ConnectStyle.FLASH);
            AmfObject o = new AmfObject().with("name", "nimbus").with("n", 7.0);
            Command r0 = nc.call("echo", TcMessage.COMMAND_AMF0, T, o);
            assertTrue(r0.isResult(), r0.toString());
            Object back = r0.args().get(r0.args().size() - 1);
            assertEquals("nimbus", ((Map<?, ?>) back).get("name"));
            assertEquals(7.0, ((Map<?, ?>) back).get("n"));
            Command r3 = nc.call("echo", TcMessage.COMMAND_AMF3, T, new AvmPlus("über amf3"));
            assertTrue(r3.isResult(), r3.toString());
            assertEquals("über amf3", r3.args().get(r3.args().size() - 1));
            Command none = nc.call("noSuchMethod", TcMessage.COMMAND_AMF0, T, 1.0);
            assertTrue(none.isError(), none.toString());
            assertEquals("NetConnection.Call.Failed", none.infoObject().string("code"));
            Command list = nc.call("connections", TcMessage.COMMAND_AMF0, T);
            assertTrue(list.args().toString().contains("rtmfp:RtmfpConnection"), list.toString());
            // server → client invoke, answered by the client
            Command cb = nc.call("callMeBack", TcMessage.COMMAND_AMF0, T, "onServerCall");
            assertTrue(cb.isResult());
            Command invoke = nc.awaitCommand("onServerCall", T);
            assertEquals("from-server", invoke.args().get(invoke.args().size() - 1));
            nc.send(new Command("_result", invoke.transactionId(), Arrays.asList(null, "pong")));
            red5.awaitLine(Pattern.compile("TcTestApplication callback rtmfp:" + peerId(nc) + " result pong"), T);
        }
    }

    @Test
    void refusedAndMalformedConnectsGetErrorsThenTheSessionEnds() throws Exception {
        try (RtmfpClient client = new RtmfpClient()) {
            Session s = client.connect(uri("tcapp"), ConnectOptions.defaults());
            NetConnection nc = new NetConnection(s);
            AmfObject object = ConnectStyle.FLASH.connectObject("tcapp", uri("tcapp"));
            nc.send(new Command("connect", 1.0, List.of(object, "reject")));
            Command r = nc.awaitReply(1.0, T);
            assertTrue(r.isError(), r.toString());
            assertEquals("error", r.infoObject().string("level"));
            assertEquals("NetConnection.Connect.Rejected", r.infoObject().string("code"));
            assertTrue(r.infoObject().string("description").contains("not welcome"), r.toString());
            // the client acknowledged the refusal: the server ends the session (RFC 7016 §3.5.5.2)
            s.awaitClosedByPeer(T);
        }
        try (RtmfpClient client = new RtmfpClient()) {
            Session s = client.connect(uri("tcapp"), ConnectOptions.defaults());
            NetConnection nc = new NetConnection(s);
            nc.send(new Command("connect", 1.0, List.of(new AmfObject().with("app", 5.0))));
            Command r = nc.awaitReply(1.0, T);
            assertTrue(r.isError(), r.toString());
            assertEquals("NetConnection.Connect.Failed", r.infoObject().string("code"));
            s.awaitClosedByPeer(T);
        }
        try (RtmfpClient client = new RtmfpClient()) {
            Session s = client.connect(uri("tcapp"), ConnectOptions.defaults());
            NetConnection nc = new NetConnection(s);
            nc.send(new Command("connect", 1.0, List.of("not an object")));
            Command r = nc.awaitReply(1.0, T);
            assertTrue(r.isError(), r.toString());
            s.awaitClosedByPeer(T);
        }
    }

    @Test
    void anUnservedPathEntersTheDefaultApp() throws Exception {
        try (RtmfpClient client = new RtmfpClient()) {
            NetConnection nc = connect(client, "0123456789abcdef-developer-key", ConnectStyle.FLASH);
            assertNotNull(nc);
            red5.awaitLine(Pattern.compile("RTMFP NetConnection " + peerId(nc) + " connected to /nimbus"), T);
        }
    }

    @Test
    void relayBetweenTwoClientsThroughRed5() throws Exception {
        try (RtmfpClient a = new RtmfpClient(); RtmfpClient b = new RtmfpClient()) {
            NetConnection na = connect(a, "tcapp", ConnectStyle.FLASH);
            NetConnection nb = connect(b, "tcapp", ConnectStyle.LIBRTMFP);
            Command r = na.call("relay", TcMessage.COMMAND_AMF0, T, peerId(nb), "hi", 1.5);
            assertTrue(r.isResult(), r.toString());
            Command got = nb.awaitCommand("onRelay", T);
            assertEquals(Arrays.asList(null, peerId(na), "hi", 1.5), got.args());
            Command unknown = na.call("relay", TcMessage.COMMAND_AMF0, T, "ff".repeat(32), "x");
            assertTrue(unknown.isError());
        }
    }

    @Test
    void kitCallLoadRoundTripsEchoThroughTheNimbusAppAndRelaysBetweenPairs() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int code = new org.nimbus.conformance.load.LoadRunner(
                org.nimbus.conformance.load.LoadSpec.parse("sessions=20,rate=200,duration=2s,mix=call"), uri("nimbus"),
                null, null, null, T, new java.io.PrintStream(out, true)).run();
        String report = out.toString(StandardCharsets.UTF_8);
        System.out.println(report);
        assertEquals(0, code, report);
        assertTrue(report.contains("NetConnections: 20 connected to 'nimbus', 0 failed; 10 pairs"), report);
        java.util.regex.Matcher m = Pattern.compile("operations: (\\d+) calls and (\\d+) relays done, 0 failed").matcher(report);
        assertTrue(m.find(), report);
        assertTrue(Integer.parseInt(m.group(1)) >= 150 && Integer.parseInt(m.group(2)) >= 150, report);
        assertTrue(report.contains("call (due→result)") && report.contains("relay (due→onRelay)"), report);
    }

    /** A 2-second FLV with H.264 video and AAC audio. */
    private static Path sourceFlv() throws Exception {
        return TestMedia.sourceFlv(work);
    }

    private static List<Long> videoPts(Path flv) throws Exception {
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-select_streams", "v", "-show_entries", "packet=pts",
                "-of", "csv=p=0", flv.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out.lines().filter(l -> !l.isBlank()).map(l -> Long.parseLong(l.trim())).toList();
    }

    @Test
    void streamPublishedOverRtmfpPlaysOverRtmpWithItsFramesAndTimestamps() throws Exception {
        Flv src = Flv.read(sourceFlv());
        Path out = work.resolve("played.flv");
        Process ffmpeg = null;
        try (RtmfpClient client = new RtmfpClient()) {
            NetConnection nc = connect(client, "tcapp", ConnectStyle.FLASH);
            NetStream ns = NetStream.create(nc, T);
            ns.publish("fromRtmfp", "live");
            assertEquals("NetStream.Publish.Start", ns.awaitStatus(c -> c.startsWith("NetStream.Publish."), T).string("code"));
            red5.awaitLine(Pattern.compile("TcTestApplication broadcast start fromRtmfp"), T);
            // ffmpeg plays the live stream over RTMP before any frame is sent, so it gets them all
            ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-copyts", "-i",
                    "rtmp://127.0.0.1:" + red5.rtmpPort + "/tcapp/fromRtmfp", "-c", "copy", "-f", "flv", out.toString())
                    .redirectErrorStream(true).start();
            red5.awaitLine(Pattern.compile("TcTestApplication play fromRtmfp RTMPMinaConnection"), T);
            for (Flv.Tag t : src.tags()) {
                if (t.type() == TcMessage.AUDIO || t.type() == TcMessage.VIDEO) {
                    ns.send(t.type(), t.timestamp(), t.body());
                }
            }
            nc.session().awaitAcknowledged(ns.flow(), T);
            // a second publisher of the same name gets a clear status, only it
            NetStream again = NetStream.create(nc, T);
            again.publish("fromRtmfp", "live");
            assertEquals("NetStream.Publish.BadName",
                    again.awaitStatus(c -> c.startsWith("NetStream.Publish."), T).string("code"));
            ns.close();
            red5.awaitLine(Pattern.compile("TcTestApplication broadcast close fromRtmfp"), T);
        } finally {
            if (ffmpeg != null && !ffmpeg.waitFor(3, TimeUnit.SECONDS)) {
                ffmpeg.destroy(); // SIGTERM: ffmpeg finishes the file
                ffmpeg.waitFor(15, TimeUnit.SECONDS);
            }
        }
        // frames only: AVC packet type 1 (type 0 is the decoder configuration, 2 the end of sequence)
        List<Long> sent = src.tags().stream().filter(t -> t.type() == TcMessage.VIDEO && t.body().length > 1
                && t.body()[1] == 1).map(Flv.Tag::timestamp).toList();
        List<Long> played = videoPts(out);
        assertEquals(sent.size(), played.size(), "every video frame played over RTMP");
        // Red5 starts a live subscriber's clock at its first frame (as for RTMP publishers): the
        // timeline is kept, shifted by the first frame's timestamp.
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(sent.get(i) - sent.get(0), played.get(i) - played.get(0), "timestamp of frame " + i);
        }
    }

    @Test
    void streamPublishedOverRtmpPlaysOverRtmfpWithItsTimestamps() throws Exception {
        Path srcFile = sourceFlv();
        Flv src = Flv.read(srcFile);
        List<Flv.Tag> srcVideo = src.tags().stream().filter(t -> t.type() == TcMessage.VIDEO).toList();
        List<Flv.Tag> srcAudio = src.tags().stream().filter(t -> t.type() == TcMessage.AUDIO).toList();
        // Red5 drops what an RTMP publisher sent last when it disconnects at once (as ffmpeg does
        // at the end of its input), so the comparison stops 5 frames before the end.
        int lastVideo = srcVideo.size() - 5;
        long stopAt = srcVideo.get(lastVideo).timestamp();
        Process ffmpeg = null;
        try (RtmfpClient client = new RtmfpClient()) {
            NetConnection nc = connect(client, "tcapp", ConnectStyle.FLASH);
            NetStream ns = NetStream.create(nc, T);
            // ffmpeg sends in real time (-re); here the RTMFP player joins the live stream once it
            // exists (a play before the publisher waits for it: NetStreamIT, the kit's ST-04/ST-06)
            ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-i", srcFile.toString(),
                    "-c", "copy", "-f", "flv", "rtmp://127.0.0.1:" + red5.rtmpPort + "/tcapp/fromRtmp")
                    .redirectErrorStream(true).start();
            red5.awaitLine(Pattern.compile("TcTestApplication broadcast start fromRtmp"), T);
            ns.play("fromRtmp");
            assertEquals("NetStream.Play.Start",
                    ns.awaitStatus(c -> c.equals("NetStream.Play.Start") || c.endsWith("Failed") || c.endsWith("NotFound"), T)
                            .string("code"));
            List<Flv.Tag> video = new ArrayList<>();
            List<Flv.Tag> audio = new ArrayList<>();
            long shift = Long.MIN_VALUE; // source timestamp - played timestamp, known at the first frame
            // the flow is ordered: once the stop frame and audio past it arrived, nothing before is still due
            while (video.isEmpty() || !Flv.sameBody(srcVideo.get(lastVideo), video.get(video.size() - 1).body())
                    || audio.isEmpty() || shift == Long.MIN_VALUE || audio.get(audio.size() - 1).timestamp() + shift < stopAt) {
                TcMessage m;
                try {
                    m = ns.awaitMessage(T, TcMessage.VIDEO, TcMessage.AUDIO);
                } catch (org.nimbus.conformance.client.RtmfpException e) {
                    throw new AssertionError("stream stalled after " + video.size() + "/" + srcVideo.size() + " video and "
                            + audio.size() + "/" + srcAudio.size() + " audio messages; video timestamps "
                            + video.stream().map(Flv.Tag::timestamp).toList(), e);
                }
                Flv.Tag t = new Flv.Tag(m.type(), m.timestamp(), m.body());
                if (m.type() == TcMessage.VIDEO) {
                    if (shift == Long.MIN_VALUE && !isConfig(t)) {
                        // Red5 starts a live subscriber's clock at its first frame; everything keeps its place on it
                        Flv.Tag first = srcVideo.stream().filter(x -> Flv.sameBody(x, t.body())).findFirst().orElseThrow();
                        assertEquals(1, (first.body()[0] & 0xf0) >> 4, "the first frame played is a keyframe");
                        shift = first.timestamp() - t.timestamp();
                    }
                    video.add(t);
                } else {
                    audio.add(t);
                }
            }
            long played = shift;
            Flv.Tag lastAudio = audio.get(audio.size() - 1);
            int lastAudioIndex = -1;
            for (int i = 0; i < srcAudio.size(); i++) {
                if (!isConfig(srcAudio.get(i)) && srcAudio.get(i).timestamp() == lastAudio.timestamp() + played) {
                    lastAudioIndex = i;
                }
            }
            assertTrue(lastAudioIndex > 0, "the last audio message is on the source's timeline");
            // joined live: from the join on, every message arrives whole and in order, and the
            // join came by the second keyframe
            assertTrue(video.size() >= lastVideo - 11, "video messages received: " + video.size());
            assertTimeline("video", srcVideo.subList(0, lastVideo + 1), video, shift);
            assertTimeline("audio", srcAudio.subList(0, lastAudioIndex + 1), audio, shift);
            System.out.println("RTMP→RTMFP play: " + video.size() + "/" + (lastVideo + 1) + " video, " + audio.size() + "/"
                    + (lastAudioIndex + 1) + " audio messages, clock shifted by " + shift + " ms");
        } finally {
            if (ffmpeg != null) {
                ffmpeg.destroyForcibly();
            }
        }
    }

    /** An AVC or AAC sequence header (decoder configuration): packet type 0. */
    private static boolean isConfig(Flv.Tag t) {
        return t.body().length > 1 && t.body()[1] == 0;
    }

    /**
     * The messages received are the last ones sent, whole and in order, each at its source
     * timestamp minus {@code shift} (Red5 stamps earlier ones 0). A decoder configuration Red5
     * puts first for a subscriber joining late is the source's own.
     */
    private static void assertTimeline(String kind, List<Flv.Tag> sent, List<Flv.Tag> got, long shift) {
        int offset = sent.size() - got.size();
        for (int i = 0; i < got.size(); i++) {
            Flv.Tag g = got.get(i);
            if (i == 0 && offset > 0 && isConfig(g)) {
                assertTrue(Flv.sameBody(sent.get(0), g.body()), kind + ": the configuration sent on joining");
                continue;
            }
            Flv.Tag s = sent.get(offset + i);
            assertTrue(Flv.sameBody(s, g.body()), kind + " message " + (offset + i) + " intact and in order");
            assertEquals(Math.max(0, s.timestamp() - shift), g.timestamp(), "timestamp of " + kind + " message " + (offset + i));
        }
    }
}
