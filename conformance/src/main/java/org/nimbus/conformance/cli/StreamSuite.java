package org.nimbus.conformance.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.RtmfpException;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.media.Delivery;
import org.nimbus.conformance.media.Flv;
import org.nimbus.conformance.media.Sample;
import org.nimbus.conformance.media.SyntheticMedia;
import org.nimbus.conformance.tc.AmfObject;
import org.nimbus.conformance.tc.Command;
import org.nimbus.conformance.tc.ConnectStyle;
import org.nimbus.conformance.tc.NetConnection;
import org.nimbus.conformance.tc.NetStream;
import org.nimbus.conformance.tc.NetStream.Style;
import org.nimbus.conformance.tc.TcMessage;
import org.nimbus.conformance.wire.Chunk;
import org.nimbus.conformance.wire.ChunkType;

/**
 * NetStreams through the server (RFC 7425 §5.3): live publish and play between RTMFP clients laid
 * out as each deployed family lays them out ({@link Style}), and across to RTMP with ffmpeg. A
 * server relays live media as it is; what the RFC leaves open (live names played before they are
 * published, what players hear when a publisher goes) is held to what Flash Media Server and the
 * Cirrus-era apps written for it expect (docs/interop.md, "NetStreams through the server"). Every
 * case uses a stream name of its own.
 */
public final class StreamSuite implements Suite {
    /** Seconds of synthetic media the RTMFP-only cases publish. */
    static final int SECONDS = 3;

    @Override
    public String name() {
        return "stream";
    }

    @Override
    public List<ConformanceCase> cases() {
        return List.of(
                new ConformanceCase("ST-01", "7425 §5.3", "publish laid out as rtmfp-cpp → play laid out as librtmfp: every frame, timestamps kept",
                        t -> relay(t, Style.RTMFP_CPP, Style.LIBRTMFP)),
                new ConformanceCase("ST-02", "7425 §5.3", "publish laid out as librtmfp (AMF3 name) → play laid out as rtmfp-cpp (flows tied to its NetConnection flow)",
                        t -> relay(t, Style.LIBRTMFP, Style.RTMFP_CPP)),
                new ConformanceCase("ST-03", "7425 §5.3", "publish over RTMFP → play over RTMP (ffmpeg): every video frame, timestamps kept",
                        StreamSuite::rtmfpToRtmp),
                new ConformanceCase("ST-04", "7425 §5.3", "publish over RTMP (ffmpeg) → play over RTMFP, started before the publisher",
                        StreamSuite::rtmpToRtmfp),
                new ConformanceCase("ST-05", "7425 §5.3", "a publisher's session ends (close, then a bare 0x4c): players told, the name free at once",
                        StreamSuite::republish),
                new ConformanceCase("ST-06", "7425 §5.3", "play before publish: Play.Reset/Start, then PublishNotify and the media, then UnpublishNotify",
                        StreamSuite::playBeforePublish),
                new ConformanceCase("ST-07", "7425 §5.2", "a stream never created, publish with no name or a numeric name: answered, session lives",
                        StreamSuite::badStreamInput),
                new ConformanceCase("ST-08", "7425 §5.2", "1000 createStreams from one session: each answered, session lives",
                        StreamSuite::manyStreams));
    }

    /** One RTMFP client with a connected NetConnection. */
    record Peer(RtmfpClient client, Session session, NetConnection nc) implements AutoCloseable {
        static Peer connect(Target t, Style style) throws Exception {
            RtmfpClient client = t.client();
            try {
                Session s = client.connect(t.uri(), t.options());
                NetConnection nc = new NetConnection(s);
                // each family connects its own way: librtmfp with transaction 0 and no null
                ConnectStyle cs = style == Style.LIBRTMFP ? ConnectStyle.LIBRTMFP : ConnectStyle.FLASH;
                NetConnection.ConnectResult r = nc.connect(t.parsed().path(), t.uri(), cs, t.timeout());
                if (!r.success()) {
                    throw new RtmfpException("connect not accepted: " + r.reply());
                }
                return new Peer(client, s, nc);
            } catch (Exception e) {
                client.close();
                throw e;
            }
        }

        NetStream stream(Style style, Duration timeout) throws IOException, RtmfpException {
            return NetStream.create(nc, style, timeout);
        }

        @Override
        public void close() throws IOException {
            client.close();
        }
    }

    static String streamName(String what) {
        return "kit-" + what + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    }

    private static boolean is(String code, String expected) {
        return expected.equals(code);
    }

    private static boolean terminal(String code) {
        return code != null && (code.endsWith(".Failed") || code.endsWith("NotFound") || code.endsWith("BadName")
                || code.endsWith("InvalidArg") || code.contains("Rejected"));
    }

    /** Waits for one status code, failing early on an error status. */
    private static String await(NetStream ns, String code, Target t) throws IOException, RtmfpException {
        AmfObject info = ns.awaitStatus(c -> is(c, code) || terminal(c), t.timeout());
        return info.string("code");
    }

    /** Publishes every sample on the stream (the flows its style uses), then waits for the acknowledgements. */
    static void publishAll(NetStream ns, List<Sample> media, Target t) throws IOException, RtmfpException {
        for (Sample m : media) {
            ns.send(m.type(), m.timestamp(), m.body());
        }
        ns.awaitAcknowledged(t.timeout());
    }

    /** Receives audio and video until as many frames as were sent arrived, or nothing comes for a timeout. */
    static List<Sample> collect(NetStream ns, List<Sample> sent, Target t) throws IOException {
        long video = sent.stream().filter(s -> s.type() == Sample.VIDEO && !s.isConfig()).count();
        long audio = sent.stream().filter(s -> s.type() == Sample.AUDIO && !s.isConfig()).count();
        List<Sample> got = new ArrayList<>();
        while (Delivery.frames(got, Sample.VIDEO) < video || Delivery.frames(got, Sample.AUDIO) < audio) {
            try {
                TcMessage m = ns.awaitMessage(t.timeout(), TcMessage.VIDEO, TcMessage.AUDIO);
                got.add(new Sample(m.type(), m.timestamp(), m.body()));
            } catch (RtmfpException e) {
                break;
            }
        }
        return got;
    }

    private static Outcome outcome(Delivery.Verdict v) {
        return Outcome.check(v.ok(), v.detail());
    }

    // ---------------------------------------------------------------- ST-01, ST-02

    static Outcome relay(Target t, Style publisherStyle, Style playerStyle) throws Exception {
        String name = streamName("relay");
        List<Sample> media = SyntheticMedia.of(SECONDS);
        try (Peer pub = Peer.connect(t, publisherStyle); Peer play = Peer.connect(t, playerStyle)) {
            NetStream out = pub.stream(publisherStyle, t.timeout());
            out.publish(name, "live");
            String p = await(out, "NetStream.Publish.Start", t);
            if (!is(p, "NetStream.Publish.Start")) {
                return Outcome.fail("publish answered " + p);
            }
            NetStream in = play.stream(playerStyle, t.timeout());
            in.play(name);
            String s = await(in, "NetStream.Play.Start", t);
            if (!is(s, "NetStream.Play.Start")) {
                return Outcome.fail("play answered " + s);
            }
            publishAll(out, media, t);
            List<Sample> got = collect(in, media, t);
            Outcome o = outcome(Delivery.verdict(media, got, Delivery.frames(media, Sample.VIDEO), Delivery.frames(media, Sample.AUDIO), false,
                    "publisher flows " + out.flows().size() + ": "));
            out.close();
            in.close();
            return o;
        }
    }

    // ---------------------------------------------------------------- ST-03, ST-04

    private static URI rtmpUrl(Target t, String name) {
        String base = t.rtmp().toString();
        return URI.create(base.endsWith("/") ? base + name : base + "/" + name);
    }

    private static Outcome ffmpegNa(Target t) {
        if (t.rtmp() == null) {
            return Outcome.na("no --rtmp URL given");
        }
        if (!Ffmpeg.available()) {
            return Outcome.na("no ffmpeg on the PATH");
        }
        return null;
    }

    static Outcome rtmfpToRtmp(Target t) throws Exception {
        Outcome na = ffmpegNa(t);
        if (na != null) {
            return na;
        }
        String name = streamName("to-rtmp");
        Path dir = Files.createTempDirectory("nimbus-kit-st03-");
        try {
            Path src = dir.resolve("source.flv");
            List<Sample> media = codedSource(src);
            Path out = dir.resolve("played.flv");
            Process ffmpeg;
            try (Peer pub = Peer.connect(t, Style.RTMFP_CPP)) {
                NetStream ns = pub.stream(Style.RTMFP_CPP, t.timeout());
                ns.publish(name, "live");
                String p = await(ns, "NetStream.Publish.Start", t);
                if (!is(p, "NetStream.Publish.Start")) {
                    return Outcome.fail("publish answered " + p);
                }
                // the RTMP player joins the live stream; the publisher then sends in real time, so
                // however late ffmpeg's player starts it sees the rest of the stream
                ffmpeg = Ffmpeg.start("-i", rtmpUrl(t, name).toString(), "-c", "copy", "-f", "flv", out.toString());
                long t0 = System.nanoTime();
                for (Sample m : media) {
                    long due = t0 + m.timestamp() * 1_000_000L;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                    }
                    ns.send(m.type(), m.timestamp(), m.body());
                }
                ns.awaitAcknowledged(t.timeout());
                ns.close();
                pub.session().close(t.timeout());
            }
            Ffmpeg.finish(ffmpeg, (int) Math.max(10, t.timeout().toSeconds() * 2));
            if (!Files.exists(out)) {
                return Outcome.fail("ffmpeg wrote nothing: " + new String(ffmpeg.getInputStream().readAllBytes()).trim());
            }
            List<Sample> got = Flv.read(out);
            // ffmpeg's RTMP player joins the live stream late: a whole GOP (1 s) at least from its second key frame on
            return outcome(Delivery.verdict(media, got, 25, 1, true, "ffmpeg played "));
        } finally {
            deleteTree(dir);
        }
    }

    static Outcome rtmpToRtmfp(Target t) throws Exception {
        Outcome na = ffmpegNa(t);
        if (na != null) {
            return na;
        }
        String name = streamName("from-rtmp");
        Path dir = Files.createTempDirectory("nimbus-kit-st04-");
        try {
            Path src = dir.resolve("source.flv");
            List<Sample> media = codedSource(src);
            try (Peer play = Peer.connect(t, Style.LIBRTMFP)) {
                NetStream ns = play.stream(Style.LIBRTMFP, t.timeout());
                ns.play(name);
                String s = await(ns, "NetStream.Play.Start", t);
                if (!is(s, "NetStream.Play.Start")) {
                    return Outcome.fail("play of a name not yet published answered " + s);
                }
                Process ffmpeg = Ffmpeg.start("-re", "-i", src.toString(), "-c", "copy", "-f", "flv", rtmpUrl(t, name).toString());
                try {
                    String notify = await(ns, "NetStream.Play.PublishNotify", t);
                    if (!is(notify, "NetStream.Play.PublishNotify")) {
                        return Outcome.fail("the waiting player got " + notify + " when ffmpeg published");
                    }
                    List<Sample> got = collect(ns, media, t);
                    // ffmpeg leaves at the end of its input: the last frames may not make it
                    return outcome(Delivery.verdict(media, got, Delivery.frames(media, Sample.VIDEO) - 5, 1, false, "PublishNotify, then "));
                } finally {
                    Ffmpeg.finish(ffmpeg, (int) t.timeout().toSeconds() + 10);
                }
            }
        } finally {
            deleteTree(dir);
        }
    }

    /** 4 s of coded media from ffmpeg, written to flv: its audio and video messages. */
    private static List<Sample> codedSource(Path flv) throws IOException, InterruptedException {
        Ffmpeg.makeSource(flv, 4);
        return Flv.read(flv).stream().filter(s -> s.type() == Sample.VIDEO || s.type() == Sample.AUDIO).toList();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    // ---------------------------------------------------------------- ST-05

    static Outcome republish(Target t) throws Exception {
        String name = streamName("again");
        List<String> steps = new ArrayList<>();
        try (Peer play = Peer.connect(t, Style.RTMFP_CPP)) {
            NetStream in = play.stream(Style.RTMFP_CPP, t.timeout());
            // publisher 1 leaves with a Session Close (§3.5.5), publisher 2 with a bare Close
            // Acknowledgement as librtmfp does, publisher 3 finds the name free again
            for (int round = 1; round <= 3; round++) {
                Peer pub = Peer.connect(t, Style.LIBRTMFP);
                try {
                    NetStream out = pub.stream(Style.LIBRTMFP, t.timeout());
                    out.publish(name, "live");
                    String p = await(out, "NetStream.Publish.Start", t);
                    if (!is(p, "NetStream.Publish.Start")) {
                        return Outcome.fail(String.join("; ", steps) + (steps.isEmpty() ? "" : "; ") + "publisher " + round
                                + " answered " + p);
                    }
                    steps.add("publisher " + round + " Publish.Start");
                    if (round == 1) {
                        in.play(name);
                        String s = await(in, "NetStream.Play.Start", t);
                        if (!is(s, "NetStream.Play.Start")) {
                            return Outcome.fail("play answered " + s);
                        }
                    } else {
                        String n = await(in, "NetStream.Play.PublishNotify", t);
                        if (!is(n, "NetStream.Play.PublishNotify")) {
                            return Outcome.fail(String.join("; ", steps) + "; the player got " + n);
                        }
                        steps.add("player PublishNotify");
                    }
                    if (round == 3) {
                        break;
                    }
                    if (round == 1) {
                        pub.session().close(t.timeout());
                    } else {
                        pub.session().sendChunks(List.of(new Chunk(ChunkType.SESSION_CLOSE_ACK, new byte[0])));
                    }
                    String u = await(in, "NetStream.Play.UnpublishNotify", t);
                    if (!is(u, "NetStream.Play.UnpublishNotify")) {
                        return Outcome.fail(String.join("; ", steps) + "; the player got " + u);
                    }
                    steps.add((round == 1 ? "close" : "bare 0x4c") + " → player UnpublishNotify");
                } finally {
                    pub.close();
                }
            }
        }
        return Outcome.pass(String.join("; ", steps));
    }

    // ---------------------------------------------------------------- ST-06

    static Outcome playBeforePublish(Target t) throws Exception {
        String name = streamName("early");
        List<Sample> media = SyntheticMedia.of(SECONDS);
        try (Peer play = Peer.connect(t, Style.LIBRTMFP); Peer pub = Peer.connect(t, Style.RTMFP_CPP)) {
            NetStream in = play.stream(Style.LIBRTMFP, t.timeout());
            in.play(name);
            String reset = await(in, "NetStream.Play.Reset", t);
            if (!is(reset, "NetStream.Play.Reset")) {
                return Outcome.fail("play of a name not yet published answered " + reset);
            }
            String start = await(in, "NetStream.Play.Start", t);
            if (!is(start, "NetStream.Play.Start")) {
                return Outcome.fail("Play.Reset, then " + start);
            }
            NetStream out = pub.stream(Style.RTMFP_CPP, t.timeout());
            out.publish(name, "live");
            String p = await(out, "NetStream.Publish.Start", t);
            if (!is(p, "NetStream.Publish.Start")) {
                return Outcome.fail("publish answered " + p);
            }
            String notify = await(in, "NetStream.Play.PublishNotify", t);
            if (!is(notify, "NetStream.Play.PublishNotify")) {
                return Outcome.fail("Play.Reset, Play.Start, then " + notify);
            }
            publishAll(out, media, t);
            List<Sample> got = collect(in, media, t);
            Outcome delivered = outcome(Delivery.verdict(media, got, Delivery.frames(media, Sample.VIDEO), Delivery.frames(media, Sample.AUDIO), false,
                    "Play.Reset, Play.Start, PublishNotify; "));
            if (delivered.verdict() != Outcome.Verdict.PASS) {
                return delivered;
            }
            out.close();
            String gone = await(in, "NetStream.Play.UnpublishNotify", t);
            return Outcome.check(is(gone, "NetStream.Play.UnpublishNotify"), delivered.detail() + "; then " + gone);
        }
    }

    // ---------------------------------------------------------------- ST-07, ST-08

    /** The code of the first onStatus on the stream, or a flow exception, or "no answer". */
    private static String answer(NetStream ns, Session s, Target t) throws IOException {
        try {
            AmfObject info = ns.awaitStatus(c -> true, t.timeout());
            return info.string("level") + " " + info.string("code");
        } catch (RtmfpException e) {
            long code = ns.flow().exceptionCode();
            return code >= 0 ? "flow exception " + code : "no answer";
        }
    }

    static Outcome badStreamInput(Target t) throws Exception {
        try (Peer p = Peer.connect(t, Style.ONE_FLOW)) {
            List<String> answers = new ArrayList<>();
            // a stream flow the client never got from createStream
            NetStream ghost = NetStream.unallocated(p.nc(), 7);
            ghost.publish(streamName("ghost"), "live");
            answers.add("stream 7 (never created): " + answer(ghost, p.session(), t));
            NetStream noName = p.stream(Style.ONE_FLOW, t.timeout());
            noName.command("publish");
            answers.add("publish(): " + answer(noName, p.session(), t));
            NetStream number = p.stream(Style.ONE_FLOW, t.timeout());
            number.command("publish", 42.0, "live");
            answers.add("publish(42): " + answer(number, p.session(), t));
            Duration rtt = p.session().ping(t.timeout());
            // no answer, or a stream published under no name at all, is what must not happen
            boolean bad = answers.stream().anyMatch(a -> a.endsWith("no answer") || a.endsWith("NetStream.Publish.Start"));
            return Outcome.check(!bad, String.join("; ", answers) + "; session alive (ping " + rtt.toMillis() + " ms)");
        }
    }

    static Outcome manyStreams(Target t) throws Exception {
        int n = 1000;
        try (Peer p = Peer.connect(t, Style.ONE_FLOW)) {
            NetConnection nc = p.nc();
            double[] tx = new double[n];
            for (int i = 0; i < n; i++) {
                tx[i] = nc.nextTransactionId();
                nc.send(new Command("createStream", tx[i], Arrays.asList((Object) null)));
            }
            int ok = 0;
            int refused = 0;
            String firstRefusal = null;
            for (int i = 0; i < n; i++) {
                Command reply = nc.awaitReply(tx[i], t.timeout());
                Object id = reply.args().isEmpty() ? null : reply.args().get(reply.args().size() - 1);
                if (reply.isResult() && id instanceof Double d && d > 0) {
                    ok++;
                } else {
                    refused++;
                    if (firstRefusal == null) {
                        AmfObject info = reply.infoObject();
                        firstRefusal = reply.name() + (info == null ? " " + id : " " + info.string("code"));
                    }
                }
            }
            Duration rtt = p.session().ping(t.timeout());
            return Outcome.pass(n + " answered: " + ok + " streams, " + refused + " refused"
                    + (firstRefusal == null ? "" : " (" + firstRefusal + ")") + "; session alive (ping " + rtt.toMillis() + " ms)");
        }
    }
}
