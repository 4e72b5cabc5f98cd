package org.nimbus.conformance.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.nimbus.conformance.client.ReceivedMessage;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.RtmfpException;
import org.nimbus.conformance.client.RtmfpUri;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.client.UdpTransport;
import org.nimbus.conformance.media.Sample;
import org.nimbus.conformance.media.SyntheticMedia;
import org.nimbus.conformance.rtmp.RtmpMessage;
import org.nimbus.conformance.rtmp.RtmpPlayer;
import org.nimbus.conformance.tc.AmfObject;
import org.nimbus.conformance.tc.ConnectStyle;
import org.nimbus.conformance.tc.NetConnection;
import org.nimbus.conformance.tc.NetStream;
import org.nimbus.conformance.tc.TcMessage;
import org.nimbus.conformance.wire.WireFormatException;

/**
 * {@code mix=fanout}: one live stream fanned out through the server. {@code sessions} RTMFP
 * players (NetStream.play over RFC 7425 §5.3, each on a UDP socket of its own) and as many RTMP
 * players (the kit's {@link RtmpPlayer}, to {@code --rtmp}) join at {@code rate} connections per
 * second and play a name not yet published (live wait: Play.Reset/Start); then one RTMFP
 * publisher sends {@link FanoutMedia} at {@value #BITS_PER_SECOND} bit/s in real time for
 * {@code duration}. Each frame carries its send time; the players, driven by {@value #PUMPS}
 * selector threads that acknowledge as they receive, record the latency on arrival.
 *
 * <p>Figures: delivered frame ratio per player kind (distinct frames received / frames sent,
 * median and minimum over the players), latency percentiles per kind, the Mbit/s delivered to
 * players, and over the publishing window the kit's own CPU, the machine's and, with
 * {@code --jmx}, the server's, as CPU per delivered player-Mbit/s.
 */
final class FanoutMix implements LoadMix {
    static final long BITS_PER_SECOND = 1_000_000;
    static final long AUDIO_BITS_PER_SECOND = 64_000;
    static final int PUMPS = 2;
    /**
     * The receive buffer RTMFP players advertise, in 1024-byte blocks (RFC 7016 §2.3.13):
     * overridable with -Dnimbus.fanout.bufferBlocks. The kit's default, 64 KiB, caps a flow at
     * 64 KiB per round trip, which a 1 Mbit/s stream outgrows once the round trip passes 0.5 s.
     */
    static final long RECEIVE_BUFFER_BLOCKS = Long.getLong("nimbus.fanout.bufferBlocks", 1024);
    /** After the last frame, how long players may take to receive the rest. */
    static final long DRAIN_NANOS = 3_000_000_000L;

    /** What one player received; written by its pump thread only, read after the pumps stop. */
    static final class Tally {
        final BitSet video = new BitSet();
        final BitSet audio = new BitSet();
        long bytes;
        volatile boolean lost;

        void frame(int type, byte[] body, Latency latency) {
            FanoutMedia.Stamp s = FanoutMedia.stamp(type, body);
            if (s == null || s.index() < 0) {
                return; // a decoder configuration, or a frame that is not ours
            }
            latency.recordNanos(System.nanoTime() - s.sendNanos());
            (type == TcMessage.VIDEO ? video : audio).set(s.index());
            bytes += body.length;
        }

        long frames() {
            return video.cardinality() + audio.cardinality();
        }
    }

    /** A player a pump thread drives: its channel and what to do when it is readable. */
    private interface Player {
        SelectableChannel channel();

        /** Takes what arrived; false once the player is gone. */
        boolean readable() throws IOException;

        Tally tally();

        void close(Duration timeout);
    }

    private static final class RtmfpPlayer implements Player {
        final RtmfpClient client;
        final Session session;
        final NetStream stream;
        final Tally tally = new Tally();
        final Latency latency;

        RtmfpPlayer(RtmfpClient client, Session session, NetStream stream, Latency latency) {
            this.client = client;
            this.session = session;
            this.stream = stream;
            this.latency = latency;
        }

        @Override
        public SelectableChannel channel() {
            return client.transport().channel();
        }

        @Override
        public boolean readable() throws IOException {
            UdpTransport t = client.transport();
            for (UdpTransport.Datagram d; (d = t.poll()) != null; ) {
                session.deliver(d); // answers pings, acknowledges data (RFC 7016 §3.6.3.4)
            }
            for (ReceivedMessage m : session.takeAll()) {
                if (!stream.isForMe(m)) {
                    continue;
                }
                try {
                    TcMessage tm = TcMessage.decode(m.data());
                    if (tm.type() == TcMessage.VIDEO || tm.type() == TcMessage.AUDIO) {
                        tally.frame(tm.type(), tm.body(), latency);
                    }
                } catch (WireFormatException e) {
                    // not a TC message: nothing to count
                }
            }
            return session.state() == Session.State.OPEN;
        }

        @Override
        public Tally tally() {
            return tally;
        }

        @Override
        public void close(Duration timeout) {
            try {
                client.transport().channel().configureBlocking(true);
                session.close(timeout);
            } catch (IOException | RuntimeException e) {
                // the figures are taken; a lost close changes nothing
            } finally {
                client.close();
            }
        }
    }

    private static final class RtmpKitPlayer implements Player {
        final RtmpPlayer player;
        final Tally tally = new Tally();
        final Latency latency;

        RtmpKitPlayer(RtmpPlayer player, Latency latency) {
            this.player = player;
            this.latency = latency;
        }

        @Override
        public SelectableChannel channel() {
            return player.channel();
        }

        @Override
        public boolean readable() throws IOException {
            return player.pump(m -> {
                if (m.type() == RtmpMessage.VIDEO || m.type() == RtmpMessage.AUDIO) {
                    tally.frame(m.type(), m.body(), latency);
                }
            });
        }

        @Override
        public Tally tally() {
            return tally;
        }

        @Override
        public void close(Duration timeout) {
            try {
                player.close();
            } catch (IOException e) {
                // nothing left to do
            }
        }
    }

    /** One selector thread: registers the players handed to it, then reads each as it becomes readable. */
    private static final class Pump extends Thread {
        final Selector selector;
        final Queue<Player> incoming = new ConcurrentLinkedQueue<>();
        final AtomicLong lost;
        final AtomicReference<String> firstError;
        volatile boolean stop;

        Pump(int n, AtomicLong lost, AtomicReference<String> firstError) throws IOException {
            super("load-fanout-pump-" + n);
            setDaemon(true);
            this.selector = Selector.open();
            this.lost = lost;
            this.firstError = firstError;
        }

        void add(Player p) {
            incoming.add(p);
            selector.wakeup();
        }

        @Override
        public void run() {
            try {
                while (!stop) {
                    for (Player p; (p = incoming.poll()) != null; ) {
                        try {
                            p.channel().configureBlocking(false);
                            p.channel().register(selector, SelectionKey.OP_READ, p);
                            read(p, null); // what arrived before it was registered
                        } catch (IOException e) {
                            gone(p, null, e.toString());
                        }
                    }
                    selector.select(100);
                    for (SelectionKey k : selector.selectedKeys()) {
                        read((Player) k.attachment(), k);
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException | ClosedSelectorException e) {
                firstError.compareAndSet(null, getName() + ": " + e);
            }
        }

        private void read(Player p, SelectionKey k) {
            if (p.tally().lost) {
                return;
            }
            try {
                if (!p.readable()) {
                    gone(p, k, "the server ended the " + (p instanceof RtmfpPlayer ? "RTMFP session" : "RTMP connection"));
                }
            } catch (IOException | RuntimeException e) {
                gone(p, k, e.toString());
            }
        }

        private void gone(Player p, SelectionKey k, String why) {
            p.tally().lost = true;
            lost.incrementAndGet();
            firstError.compareAndSet(null, "player: " + why);
            if (k != null) {
                k.cancel();
            }
        }

        void finish() throws InterruptedException, IOException {
            stop = true;
            selector.wakeup();
            join(10_000);
            selector.close(); // deregisters every channel, so they can be closed in blocking mode
        }
    }

    /** CPU of the kit's JVM, its pump threads, the machine (all cores) and the server, from one instant on. */
    private static final class CpuWindow {
        final long wall = System.nanoTime();
        final long kit = kitCpuNanos();
        final long[] machine = machineJiffies();
        final long pumps;
        final long server;

        CpuWindow(List<Pump> pumpThreads, ServerProbe probe) throws IOException {
            pumps = threadsCpu(pumpThreads);
            server = probe == null ? -1 : probe.cpuNanos();
        }
    }

    static long kitCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    static long threadsCpu(List<? extends Thread> threads) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : threads) {
            sum += Math.max(0, mx.getThreadCpuTime(t.getId()));
        }
        return sum;
    }

    /** /proc/stat's first line: busy and total jiffies of all cores (null when not on Linux). */
    static long[] machineJiffies() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The median of some values (the mean of the middle two for an even count); NaN for none. */
    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    /** CPU per delivered player-Mbit/s: CPU-seconds per second (1.0 = one core busy) over Mbit/s. */
    static double cpuPerMbit(long cpuNanos, long wallNanos, double playerMbitPerSecond) {
        return cpuNanos / (double) wallNanos / playerMbitPerSecond;
    }

    @Override
    public long run(LoadContext c) throws Exception {
        int n = c.spec().sessions();
        if (c.rtmp() == null) {
            throw new IllegalArgumentException("mix=fanout needs --rtmp rtmp://host:port/app for its RTMP players");
        }
        String app = RtmfpUri.parse(c.uri()).path();
        String name = "fanout-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 20);
        AtomicLong failed = new AtomicLong();
        AtomicLong lost = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        Latency rtmfpLatency = new Latency("latency rtmfp");
        Latency rtmpLatency = new Latency("latency rtmp");
        Latency join = new Latency("join (due→Play.Start)");
        List<Pump> pumps = new ArrayList<>();
        for (int i = 0; i < PUMPS; i++) {
            Pump p = new Pump(i, lost, firstError);
            pumps.add(p);
            p.start();
        }
        List<Player> rtmfpPlayers = new ArrayList<>();
        List<Player> rtmpPlayers = new ArrayList<>();
        RtmfpClient pubClient = null;
        try {
            // ---- players join: RTMFP and RTMP alternately, at the given rate, open loop
            long t0 = System.nanoTime();
            Pacer pacer = new Pacer(t0, c.spec().rate(), Long.MAX_VALUE / 4);
            ExecutorService openers = Executors.newFixedThreadPool(Math.min(HandshakeMix.MAX_IN_FLIGHT, 2 * n));
            for (int i = 0; i < 2 * n; i++) {
                long due = pacer.due(i);
                Pacer.until(due);
                boolean rtmfp = i % 2 == 0;
                Pump pump = pumps.get(i % PUMPS);
                openers.execute(() -> {
                    try {
                        Player p = rtmfp ? joinRtmfp(c, app, name, rtmfpLatency) : joinRtmp(c, name, rtmpLatency);
                        join.recordNanos(System.nanoTime() - due);
                        synchronized (rtmfpPlayers) {
                            (rtmfp ? rtmfpPlayers : rtmpPlayers).add(p);
                        }
                        pump.add(p);
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        firstError.compareAndSet(null, (rtmfp ? "RTMFP" : "RTMP") + " player: " + e);
                    }
                });
            }
            openers.shutdown();
            openers.awaitTermination(c.timeout().toMillis() * (n / 8 + 4), TimeUnit.MILLISECONDS);
            c.out().printf(Locale.ROOT, "players: %d RTMFP + %d RTMP playing '%s' (%d failed) in %.2f s%n",
                    rtmfpPlayers.size(), rtmpPlayers.size(), name, failed.get(), (System.nanoTime() - t0) / 1e9);
            c.out().println(join.line());

            // ---- the publisher (RFC 7425 §5.3, laid out as rtmfp-cpp: audio and video on flows of their own)
            pubClient = new RtmfpClient();
            Session pub = pubClient.connect(c.uri(), c.options());
            NetConnection nc = new NetConnection(pub);
            NetConnection.ConnectResult r = nc.connect(app, c.uri(), ConnectStyle.FLASH, c.timeout());
            if (!r.success()) {
                throw new RtmfpException("publisher's connect answered " + r.reply());
            }
            NetStream out = NetStream.create(nc, NetStream.Style.RTMFP_CPP, c.timeout());
            out.publish(name, "live");
            AmfObject info = out.awaitStatus(code -> code.startsWith("NetStream.Publish."), c.timeout());
            if (!"NetStream.Publish.Start".equals(info.string("code"))) {
                throw new RtmfpException("publish answered " + info.string("code"));
            }
            for (Sample s : SyntheticMedia.of(0)) {
                out.send(s.type(), 0, s.body()); // the AVC and AAC decoder configurations
            }
            FanoutMedia media = new FanoutMedia(BITS_PER_SECOND, AUDIO_BITS_PER_SECOND);
            long duration = c.spec().duration().toNanos();
            long videoSent = 0;
            long audioSent = 0;
            long bytesSent = 0;
            long maxLate = 0;
            CpuWindow w0 = new CpuWindow(pumps, c.probe());
            long start = System.nanoTime();
            for (FanoutMedia.Frame f; (f = media.next()).dueNanos() < duration; ) {
                long due = start + f.dueNanos();
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    pub.idle(Duration.ofNanos(wait)); // pumps: acknowledgements, retransmissions
                }
                long now = System.nanoTime();
                maxLate = Math.max(maxLate, now - due);
                out.send(f.type(), f.timestampMs(), FanoutMedia.body(f, now));
                bytesSent += f.size();
                if (f.type() == TcMessage.VIDEO) {
                    videoSent++;
                } else {
                    audioSent++;
                }
            }
            long end = System.nanoTime();
            CpuWindow w1 = new CpuWindow(pumps, c.probe());
            final long sent = videoSent + audioSent;
            final long videoFrames = videoSent;
            double seconds = (end - start) / 1e9;
            c.out().printf(Locale.ROOT, "publisher: %.2f s, %d video + %d audio frames, %.3f Mbit/s of media; "
                            + "sent at most %.1f ms after its due time%n", seconds, videoSent, audioSent,
                    bytesSent * 8 / seconds / 1e6, maxLate / 1e6);

            // ---- the rest arrives; then the players' figures
            long drainEnd = System.nanoTime() + DRAIN_NANOS;
            while (System.nanoTime() < drainEnd && !allReceived(rtmfpPlayers, rtmpPlayers, sent)) {
                pub.idle(Duration.ofMillis(100));
            }
            for (Pump p : pumps) {
                p.finish();
            }
            double total = 0;
            for (String kind : List.of("rtmfp", "rtmp")) {
                List<Player> players = kind.equals("rtmfp") ? rtmfpPlayers : rtmpPlayers;
                double[] ratios = players.stream().mapToDouble(p -> p.tally().frames() / (double) sent).toArray();
                double[] video = players.stream().mapToDouble(p -> p.tally().video.cardinality() / (double) videoFrames).toArray();
                long bytes = players.stream().mapToLong(p -> p.tally().bytes).sum();
                double mbit = bytes * 8 / seconds / 1e6;
                total += mbit;
                c.out().printf(Locale.ROOT, "delivered %-6s %d players: frames median %.2f %%, min %.2f %% (video median %.2f %%, "
                                + "min %.2f %%); %.1f Mbit/s to players%n", kind, players.size(), 100 * median(ratios),
                        100 * Arrays.stream(ratios).min().orElse(Double.NaN), 100 * median(video),
                        100 * Arrays.stream(video).min().orElse(Double.NaN), mbit);
            }
            c.out().println(rtmfpLatency.line());
            c.out().println(rtmpLatency.line());
            long wall = w1.wall - w0.wall;
            c.out().printf(Locale.ROOT, "delivered to players: %.1f Mbit/s in all over the %.2f s of publishing%n", total, seconds);
            c.out().printf(Locale.ROOT, "kit: CPU %.0f %% of one core (its %d receive threads %.0f %%)%s%n",
                    100.0 * (w1.kit - w0.kit) / wall, PUMPS, 100.0 * (w1.pumps - w0.pumps) / wall,
                    w0.machine == null || w1.machine == null ? "" : String.format(Locale.ROOT,
                            "; machine: %.0f %% of its %d cores busy", 100.0 * (w1.machine[0] - w0.machine[0])
                                    / Math.max(1, w1.machine[1] - w0.machine[1]), Runtime.getRuntime().availableProcessors()));
            if (c.probe() != null) {
                long cpu = w1.server - w0.server;
                c.out().printf(Locale.ROOT, "server CPU while publishing: %.0f %% of one core; per delivered player-Mbit/s: "
                                + "%.3f %% of one core (%.5f CPU-s/s)%n", 100.0 * cpu / wall,
                        100 * cpuPerMbit(cpu, wall, total), cpuPerMbit(cpu, wall, total));
            }
            out.close();
            pub.close(c.timeout());
        } catch (Exception e) {
            failed.incrementAndGet();
            firstError.compareAndSet(null, "publisher: " + e);
        } finally {
            for (Pump p : pumps) {
                p.finish();
            }
            closeAll(c, rtmfpPlayers, rtmpPlayers);
            if (pubClient != null) {
                pubClient.close();
            }
            if (firstError.get() != null) {
                c.out().println("first failure: " + firstError.get());
            }
        }
        return failed.get() + lost.get();
    }

    private static boolean allReceived(List<Player> a, List<Player> b, long sent) {
        for (List<Player> l : List.of(a, b)) {
            synchronized (a) {
                for (Player p : l) {
                    if (!p.tally().lost && p.tally().frames() < sent) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** An RTMFP player: handshake, connect, createStream, play; Play.Reset/Start for a name not yet published. */
    private static Player joinRtmfp(LoadContext c, String app, String name, Latency latency) throws Exception {
        DatagramChannel ch = DatagramChannel.open();
        RtmfpClient client = new RtmfpClient(new UdpTransport(ch));
        try {
            ch.bind(null);
            Session s = client.connect(c.uri(), c.options());
            s.receiveBufferBlocks(RECEIVE_BUFFER_BLOCKS);
            NetConnection nc = new NetConnection(s);
            NetConnection.ConnectResult r = nc.connect(app, c.uri(), ConnectStyle.FLASH, c.timeout());
            if (!r.success()) {
                throw new RtmfpException("connect answered " + r.reply());
            }
            NetStream ns = NetStream.create(nc, NetStream.Style.ONE_FLOW, c.timeout());
            ns.play(name);
            AmfObject info = ns.awaitStatus(code -> !"NetStream.Play.Reset".equals(code), c.timeout());
            if (!"NetStream.Play.Start".equals(info.string("code"))) {
                throw new RtmfpException("play answered " + info.string("code"));
            }
            return new RtmfpPlayer(client, s, ns, latency);
        } catch (Exception e) {
            client.close();
            throw e;
        }
    }

    private static Player joinRtmp(LoadContext c, String name, Latency latency) throws IOException {
        RtmpPlayer p = RtmpPlayer.connect(c.rtmp(), c.timeout());
        try {
            long sid = p.createStream(c.timeout());
            p.play(sid, name, c.timeout());
            return new RtmpKitPlayer(p, latency);
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    private static void closeAll(LoadContext c, List<Player> a, List<Player> b) throws InterruptedException {
        ExecutorService closers = Executors.newFixedThreadPool(HandshakeMix.MAX_IN_FLIGHT);
        synchronized (a) {
            for (List<Player> l : List.of(a, b)) {
                for (Player p : l) {
                    closers.execute(() -> p.close(c.timeout()));
                }
            }
        }
        closers.shutdown();
        closers.awaitTermination(c.timeout().toMillis() * 4, TimeUnit.MILLISECONDS);
    }
}
