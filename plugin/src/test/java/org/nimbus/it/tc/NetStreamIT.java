package org.nimbus.it.tc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nimbus.conformance.cli.Main;
import org.nimbus.conformance.client.ConnectOptions;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.media.Delivery;
import org.nimbus.conformance.media.Flv;
import org.nimbus.conformance.media.Sample;
import org.nimbus.conformance.tc.Command;
import org.nimbus.conformance.tc.ConnectStyle;
import org.nimbus.conformance.tc.NetConnection;
import org.nimbus.conformance.tc.NetStream;
import org.nimbus.conformance.tc.NetStream.Style;
import org.nimbus.conformance.tc.TcMessage;
import org.nimbus.it.Red5Install;

/**
 * NetStreams in the assembled install's stock-named {@code live} application (RTMP and RTMFP
 * clients alike), and what only Nimbus's own settings can show: a publisher that goes silent is
 * unpublished at the idle timeout, deleteStream and closeStream each free the name, an RTMP player
 * waiting for an RTMFP publisher gets the stream, {@code tc.max_streams} bounds a connection.
 */
class NetStreamIT {
    private static final Duration T = Duration.ofSeconds(15);
    private static final int IDLE_SECONDS = 6;
    private static final int MAX_STREAMS = 4;
    private static Red5Install red5;
    private static Path work;

    @BeforeAll
    static void start() throws Exception {
        red5 = Red5Install.copy(Map.of("rtmfp.keepalive_seconds", "2", "rtmfp.idle_timeout_seconds", "" + IDLE_SECONDS,
                "tc.max_streams", "" + MAX_STREAMS));
        red5.start();
        red5.awaitLine(Pattern.compile("Nimbus .* started: RTMFP"), Duration.ofSeconds(90));
        red5.awaitHttp(Duration.ofSeconds(90));
        work = Files.createTempDirectory("nimbus-netstream-it-");
    }

    @AfterAll
    static void stop() throws Exception {
        if (red5 != null) {
            System.out.println("---- Red5 output (NetStreamIT) ----\n" + red5.output());
            red5.close();
        }
    }

    private static String uri() {
        return "rtmfp://127.0.0.1:" + red5.rtmfpPort + "/live";
    }

    private static NetConnection connect(RtmfpClient client, ConnectStyle style) throws Exception {
        Session s = client.connect(uri(), ConnectOptions.defaults());
        NetConnection nc = new NetConnection(s);
        NetConnection.ConnectResult r = nc.connect("live", uri(), style, T);
        assertTrue(r.success(), "connect to live: " + r.reply() + "\n" + red5.output());
        return nc;
    }

    private static String code(NetStream ns, String expected) throws Exception {
        return ns.awaitStatus(c -> c.equals(expected) || c.endsWith("BadName") || c.endsWith("Failed") || c.endsWith("NotFound"), T)
                .string("code");
    }

    @Test
    void theKitsStreamSuitePassesInTheLiveApp() throws Exception {
        Path report = work.resolve("stream-suite.xml");
        int exit = Main.run(uri(), "--suite", "stream", "--rtmp", "rtmp://127.0.0.1:" + red5.rtmpPort + "/live",
                "--junit", report.toString());
        String xml = Files.readString(report);
        assertEquals(0, exit, "stream suite in the live app:\n" + xml + "\n" + red5.output());
        assertTrue(xml.contains("ST-08") && !xml.contains("<skipped"), "every stream case ran:\n" + xml);
        assertTrue(xml.contains(MAX_STREAMS + " streams, " + (1000 - MAX_STREAMS) + " refused"), "tc.max_streams held:\n" + xml);
    }

    /** A publisher whose host vanishes (it sends nothing more) is unpublished when its session times out. */
    @Test
    void aSilentPublisherIsUnpublishedAtTheIdleTimeout() throws Exception {
        try (RtmfpClient pubClient = new RtmfpClient(); RtmfpClient playClient = new RtmfpClient();
             RtmfpClient againClient = new RtmfpClient()) {
            NetConnection pub = connect(pubClient, ConnectStyle.LIBRTMFP);
            NetStream out = NetStream.create(pub, Style.LIBRTMFP, T);
            out.publish("silent", "live");
            assertEquals("NetStream.Publish.Start", code(out, "NetStream.Publish.Start"));
            NetConnection play = connect(playClient, ConnectStyle.FLASH);
            NetStream in = NetStream.create(play, Style.RTMFP_CPP, T);
            in.play("silent");
            assertEquals("NetStream.Play.Start", code(in, "NetStream.Play.Start"));
            // from here the publisher's client is never pumped again: no ack, no Ping reply
            long t0 = System.nanoTime();
            assertEquals("NetStream.Play.UnpublishNotify", in.awaitStatus(c -> c.equals("NetStream.Play.UnpublishNotify"),
                    Duration.ofSeconds(IDLE_SECONDS * 3)).string("code"));
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(waited >= (IDLE_SECONDS - 1) * 1000L, "unpublished by the idle timeout, not before: " + waited + " ms");
            NetConnection again = connect(againClient, ConnectStyle.FLASH);
            NetStream next = NetStream.create(again, Style.RTMFP_CPP, T);
            next.publish("silent", "live");
            assertEquals("NetStream.Publish.Start", code(next, "NetStream.Publish.Start"), "the name is free again");
            assertEquals("NetStream.Play.PublishNotify", code(in, "NetStream.Play.PublishNotify"), "the waiting player hears it");
        }
    }

    /** rtmfp-cpp's TCStream ends a stream with deleteStream only; Flash sends closeStream: each frees the name. */
    @Test
    void deleteStreamAloneAndCloseStreamAloneEachFreeTheName() throws Exception {
        try (RtmfpClient client = new RtmfpClient()) {
            NetConnection nc = connect(client, ConnectStyle.FLASH);
            NetStream first = NetStream.create(nc, Style.RTMFP_CPP, T);
            first.publish("freed", "live");
            assertEquals("NetStream.Publish.Start", code(first, "NetStream.Publish.Start"));
            nc.send(new Command("deleteStream", 0, Arrays.asList(null, (double) first.streamId())));
            NetStream second = NetStream.create(nc, Style.ONE_FLOW, T);
            second.publish("freed", "live");
            assertEquals("NetStream.Publish.Start", code(second, "NetStream.Publish.Start"), "after deleteStream");
            second.command("closeStream");
            NetStream third = NetStream.create(nc, Style.LIBRTMFP, T);
            third.publish("freed", "live");
            assertEquals("NetStream.Publish.Start", code(third, "NetStream.Publish.Start"), "after closeStream");
        }
    }

    /** An RTMP player (ffmpeg) that asks for a name before its RTMFP publisher exists waits and then plays it all. */
    @Test
    void anRtmpPlayerWaitingForAnRtmfpPublisherGetsEveryFrame() throws Exception {
        Path out = work.resolve("waited.flv");
        // coded media: ffmpeg reads the stream it plays (synthetic frames would not probe)
        List<Sample> media = Flv.read(TestMedia.sourceFlv(work)).stream()
                .filter(s -> s.type() == Sample.VIDEO || s.type() == Sample.AUDIO).toList();
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i",
                "rtmp://127.0.0.1:" + red5.rtmpPort + "/live/waited", "-c", "copy", "-f", "flv", out.toString())
                .redirectErrorStream(true).start();
        try (RtmfpClient client = new RtmfpClient()) {
            red5.awaitLine(Pattern.compile("x-event:play .*x-name:waited"), T);
            NetConnection nc = connect(client, ConnectStyle.FLASH);
            NetStream ns = NetStream.create(nc, Style.RTMFP_CPP, T);
            ns.publish("waited", "live");
            assertEquals("NetStream.Publish.Start", code(ns, "NetStream.Publish.Start"));
            for (Sample m : media) {
                ns.send(m.type(), m.timestamp(), m.body());
            }
            ns.awaitAcknowledged(T);
            ns.close();
        } finally {
            // UnpublishNotify ends ffmpeg's input; it then closes the file
            if (!ffmpeg.waitFor(20, TimeUnit.SECONDS)) {
                ffmpeg.destroy();
                ffmpeg.waitFor(10, TimeUnit.SECONDS);
            }
        }
        List<Sample> got = Flv.read(out);
        Delivery.Verdict v = Delivery.verdict(media, got, Delivery.frames(media, Sample.VIDEO), Delivery.frames(media, Sample.AUDIO),
                false, "ffmpeg waited, then ");
        assertTrue(v.ok(), v.detail() + "\nffmpeg: " + new String(ffmpeg.getInputStream().readAllBytes()));
    }

    /** createStream beyond tc.max_streams: an _error, the connection goes on, a freed stream ID is usable again. */
    @Test
    void createStreamBeyondTheLimitIsRefusedAndTheConnectionGoesOn() throws Exception {
        try (RtmfpClient client = new RtmfpClient()) {
            NetConnection nc = connect(client, ConnectStyle.FLASH);
            List<NetStream> streams = new ArrayList<>();
            for (int i = 0; i < MAX_STREAMS; i++) {
                streams.add(NetStream.create(nc, Style.ONE_FLOW, T));
            }
            Command refused = nc.call("createStream", TcMessage.COMMAND_AMF0, T);
            assertTrue(refused.isError(), refused.toString());
            assertEquals("NetConnection.Call.Failed", refused.infoObject().string("code"));
            nc.send(new Command("deleteStream", 0, Arrays.asList(null, (double) streams.get(0).streamId())));
            Command again = nc.call("createStream", TcMessage.COMMAND_AMF0, T);
            assertTrue(again.isResult(), "a deleted stream's room is free again: " + again);
            assertTrue(nc.session().ping(T).toMillis() >= 0);
        }
    }

    /** A command that does not decode: a status naming the problem to that client, one log line, the connection goes on. */
    @Test
    void anUndecodableCommandIsAnsweredWithTheProblemAndLoggedOnce() throws Exception {
        try (RtmfpClient client = new RtmfpClient()) {
            NetConnection nc = connect(client, ConnectStyle.FLASH);
            NetStream ns = NetStream.create(nc, Style.ONE_FLOW, T);
            // publish, 0, null, then a string whose length runs past the message
            byte[] broken = java.util.HexFormat.of().parseHex("0200077075626c697368" + "000000000000000000" + "05" + "02ffff41");
            for (int i = 0; i < 2; i++) {
                nc.session().send(ns.flow(), new TcMessage(TcMessage.COMMAND_AMF0, 0, broken).encode());
                org.nimbus.conformance.tc.AmfObject info = ns.awaitStatus(c -> c.equals("NetStream.Failed"), T);
                assertTrue(info.string("description").startsWith("the command does not decode"), info.toString());
            }
            nc.session().send(nc.flow(), new TcMessage(TcMessage.COMMAND_AMF0, 0,
                    java.util.HexFormat.of().parseHex("020004" + "6563686f" + "004000000000000000" + "05" + "02ffff41")).encode());
            Command bad = nc.awaitReply(0, T);
            assertEquals("NetConnection.Call.BadValue", bad.infoObject().string("code"), bad.toString());
            assertTrue(nc.call("createStream", TcMessage.COMMAND_AMF0, T).isResult(), "the connection goes on");
            String peer = java.util.HexFormat.of().formatHex(nc.session().info().peerId());
            red5.awaitLine(Pattern.compile("RTMFP .*\\(" + peer + "\\): command of type 0x14 on stream \\d+ does not decode"), T);
            long lines = red5.output().lines().filter(l -> l.contains(peer) && l.contains("does not decode")).count();
            assertEquals(1, lines, "logged once per connection");
        }
    }
}
