package org.nimbus.conformance.load;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.nimbus.conformance.client.Handshake;
import org.nimbus.conformance.client.PeerResponder;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.RtmfpException;
import org.nimbus.conformance.client.RtmfpUri;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.media.Delivery;
import org.nimbus.conformance.media.Sample;
import org.nimbus.conformance.media.SyntheticMedia;
import org.nimbus.conformance.registry.RegistryConnection;
import org.nimbus.conformance.registry.TcpRegistryConnection;
import org.nimbus.conformance.registry.WsRegistryConnection;
import org.nimbus.conformance.tc.AmfObject;
import org.nimbus.conformance.tc.ConnectStyle;
import org.nimbus.conformance.tc.NetConnection;
import org.nimbus.conformance.tc.NetStream;
import org.nimbus.conformance.tc.TcMessage;

/**
 * {@code mix=soak}: what a server lives through for hours, at a steady rate, while its state is
 * sampled ({@link SoakSamples}). {@code rate} visits per second start for {@code duration}, at
 * most {@code sessions}/2 at a time (each visit is two pages, A and B, and a third client C).
 * A visit: A and B connect NetConnections to the URI's application (RFC 7425 §5.2); A calls
 * {@code echo} and relays to B ({@code relay}, Cirrus's); with a registry given, B registers as a
 * guest under its peer ID and A looks B up; C is introduced to B by peer ID (Forwarded IHello and
 * Redirect, RFC 7016 §3.5.1.1.2), opens the direct session, pings it, and both ends close it at
 * once; A publishes one second of media that B plays, every frame counted (RFC 7425 §5.3); then
 * both leave, one visit in {@link #ABRUPT_EVERY} without a close (the server's idle timeout must
 * reap them). Every {@code sample} the server's heap after a full GC, threads, file descriptors
 * and sessions are read over JMX; after the load the mix waits up to {@code drain} for the
 * server to let every session go. Fails on any failed step and on a state that did not stay flat.
 */
final class SoakMix implements LoadMix {
    static final int ABRUPT_EVERY = 10;
    static final int MEDIA_SECONDS = 1;

    private static final List<String> STEPS = List.of("connect A+B", "echo+relay", "registry", "introduction",
            "publish+play", "leave");

    private final Map<String, Latency> latency = new LinkedHashMap<>();
    private final Map<String, AtomicLong> failures = new LinkedHashMap<>();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final AtomicLong visits = new AtomicLong();
    private final AtomicLong frames = new AtomicLong();
    private final List<Sample> media = SyntheticMedia.of(MEDIA_SECONDS);

    SoakMix() {
        for (String s : STEPS) {
            latency.put(s, new Latency(s));
            failures.put(s, new AtomicLong());
        }
    }

    @Override
    public long run(LoadContext c) throws Exception {
        if (c.probe() == null) {
            throw new IllegalArgumentException("mix=soak needs --jmx HOST:PORT (it samples the server's heap, threads, fds and sessions)");
        }
        int workers = Math.max(1, c.spec().sessions() / 2);
        SoakSamples samples = new SoakSamples();
        int baselineSessions = Math.max(0, c.probe().rtmfpSessions());
        long t0 = System.nanoTime();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "soak-sampler");
            t.setDaemon(true);
            return t;
        });
        c.out().printf(Locale.ROOT, "soak: %.2f visits/s for %d s, up to %d at a time, a sample every %d s%s%n",
                c.spec().rate(), c.spec().duration().toSeconds(), workers, c.spec().sample().toSeconds(),
                c.registryTcp() == null && c.registryWs() == null ? " (no registry given: its step is skipped)" : "");
        long period = c.spec().sample().toMillis();
        sampler.scheduleAtFixedRate(() -> {
            try {
                samples.add(sample(c.probe(), t0, visits.get()));
            } catch (IOException e) {
                firstError.compareAndSet(null, "JMX sample: " + e);
            }
        }, 0, period, TimeUnit.MILLISECONDS);
        try {
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                Pacer pacer = new Pacer(t0, c.spec().rate() / workers, c.spec().duration().toNanos());
                int worker = w;
                Thread t = new Thread(() -> {
                    for (long i = 0, due; (due = pacer.due(i)) >= 0; i++) {
                        Pacer.until(due);
                        visit(c, worker + "-" + i, i % ABRUPT_EVERY == worker % ABRUPT_EVERY);
                    }
                }, "soak-visits-" + w);
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
        } finally {
            sampler.shutdown();
            sampler.awaitTermination(c.timeout().toMillis() * 2, TimeUnit.MILLISECONDS);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        SoakSamples.Sample drained = drain(c, baselineSessions, t0);
        long failed = failures.values().stream().mapToLong(AtomicLong::get).sum();
        c.out().printf(Locale.ROOT, "visits: %d done in %.1f s (%.2f/s), %d media frames played, %d failed step(s)%n",
                visits.get(), seconds, visits.get() / seconds, frames.get(), failed);
        for (String s : STEPS) {
            c.out().println(latency.get(s).line() + (failures.get(s).get() > 0 ? "  failed " + failures.get(s).get() : ""));
        }
        if (firstError.get() != null) {
            c.out().println("first failure: " + firstError.get());
        }
        SoakSamples.Verdict verdict = samples.verdict(baselineSessions, drained);
        c.out().println("soak: " + verdict.detail());
        if (c.spec().out() != null) {
            Path dir = Path.of(c.spec().out());
            Files.createDirectories(dir);
            List<SoakSamples.Sample> all = new ArrayList<>(samples.samples());
            if (drained != null) {
                all.add(drained);
            }
            Files.writeString(dir.resolve("soak.csv"), SoakSamples.csv(all));
            SoakPlot.write(all, String.format(Locale.ROOT, "Nimbus soak: %d visits in %.0f s, %s", visits.get(), seconds,
                    verdict.flat() ? "flat" : "NOT flat"), dir.resolve("soak.png"));
            Files.writeString(dir.resolve("soak.txt"), verdict.detail() + "\n");
            c.out().println("soak: samples and plot in " + dir.toAbsolutePath());
        }
        return failed + (verdict.flat() ? 0 : 1);
    }

    private static SoakSamples.Sample sample(ServerProbe p, long t0, long visitsDone) throws IOException {
        long heap = p.heapAfterFullGc();
        return new SoakSamples.Sample((System.nanoTime() - t0) / 1e9, visitsDone, heap, p.threads(),
                p.openFileDescriptors(), p.rtmfpSessions());
    }

    /** Waits until the server holds no more sessions than before the load (or {@code drain} passed); then samples. */
    private SoakSamples.Sample drain(LoadContext c, int baselineSessions, long t0) throws InterruptedException {
        long deadline = System.nanoTime() + c.spec().drain().toNanos();
        try {
            while (c.probe().rtmfpSessions() > baselineSessions && System.nanoTime() < deadline) {
                Thread.sleep(500); // polling a remote JMX attribute: there is no event to await
            }
            SoakSamples.Sample s = sample(c.probe(), t0, visits.get());
            c.out().printf(Locale.ROOT, "drain: %d sessions %.1f s after the load (%d before it)%n", s.sessions(),
                    s.seconds() - c.spec().duration().toSeconds(), baselineSessions);
            return s;
        } catch (IOException e) {
            firstError.compareAndSet(null, "JMX after the load: " + e);
            return null;
        }
    }

    /** One visit; a failed step is counted and ends the visit (what it opened is closed). */
    private void visit(LoadContext c, String id, boolean abrupt) {
        String app = RtmfpUri.parse(c.uri()).path();
        RtmfpClient clientA = null;
        RtmfpClient clientB = null;
        String step = STEPS.get(0);
        try {
            long t = System.nanoTime();
            clientA = new RtmfpClient();
            clientB = new RtmfpClient();
            NetConnection a = connect(c, clientA, app);
            NetConnection b = connect(c, clientB, app);
            latency.get(step).recordNanos(System.nanoTime() - t);

            step = STEPS.get(1);
            t = System.nanoTime();
            echoAndRelay(c, a, b);
            latency.get(step).recordNanos(System.nanoTime() - t);

            step = STEPS.get(2);
            if (c.registryTcp() != null || c.registryWs() != null) {
                t = System.nanoTime();
                registry(c, peerId(a), peerId(b));
                latency.get(step).recordNanos(System.nanoTime() - t);
            }

            step = STEPS.get(3);
            t = System.nanoTime();
            introduce(c, clientB, b);
            latency.get(step).recordNanos(System.nanoTime() - t);

            step = STEPS.get(4);
            t = System.nanoTime();
            frames.addAndGet(publishAndPlay(c, a, b, "soak-" + id));
            latency.get(step).recordNanos(System.nanoTime() - t);

            step = STEPS.get(5);
            t = System.nanoTime();
            if (!abrupt && !(a.session().close(c.timeout()) & b.session().close(c.timeout()))) {
                throw new RtmfpException("the server did not acknowledge a session close");
            }
            latency.get(step).recordNanos(System.nanoTime() - t);
            visits.incrementAndGet();
        } catch (Exception e) {
            failures.get(step).incrementAndGet();
            firstError.compareAndSet(null, step + " (visit " + id + "): " + e);
        } finally {
            quietly(clientA);
            quietly(clientB);
        }
    }

    private static void quietly(RtmfpClient client) {
        try {
            if (client != null) {
                client.close();
            }
        } catch (Exception e) {
            // the visit's figures are taken; a socket that fails to close changes none of them
        }
    }

    private static NetConnection connect(LoadContext c, RtmfpClient client, String app) throws Exception {
        Session s = client.connect(c.uri(), c.options());
        NetConnection nc = new NetConnection(s);
        NetConnection.ConnectResult r = nc.connect(app, c.uri(), ConnectStyle.FLASH, c.timeout());
        if (!r.success()) {
            throw new RtmfpException("connect refused: " + r.reply());
        }
        return nc;
    }

    /** CallMix's call and relay checks, from A to B. */
    private static void echoAndRelay(LoadContext c, NetConnection a, NetConnection b) throws Exception {
        CallMix.Side side = new CallMix.Side(a, b, peerId(a), peerId(b));
        double n = System.nanoTime();
        CallMix.echo(side, n, c);
        CallMix.relay(side, n, c);
    }

    /** B registers as a guest under its peer ID; A, a guest too, finds it online with that ID. */
    private static void registry(LoadContext c, String idA, String idB) throws Exception {
        try (RegistryConnection ra = open(c); RegistryConnection rb = open(c)) {
            hello(c, ra);
            String nameB = hello(c, rb);
            call(c, ra, RegistryConnection.request("register", "peerId", idA), "registered");
            call(c, rb, RegistryConnection.request("register", "peerId", idB), "registered");
            JsonObject found = call(c, ra, RegistryConnection.request("lookup", "name", nameB), "found");
            // the lookup answers every peer ID the name is registered under (docs/registry: "peerIds")
            boolean listed = found.has("peerIds") && found.get("peerIds").isJsonArray()
                    && found.getAsJsonArray("peerIds").contains(new com.google.gson.JsonPrimitive(idB));
            if (!found.has("online") || !found.get("online").getAsBoolean() || !listed) {
                throw new RtmfpException("lookup of " + nameB + " answered " + found);
            }
        }
    }

    private static RegistryConnection open(LoadContext c) throws IOException {
        return c.registryTcp() != null ? new TcpRegistryConnection(c.registryTcp(), c.timeout())
                : new WsRegistryConnection(c.registryWs(), c.timeout());
    }

    private static String hello(LoadContext c, RegistryConnection r) throws Exception {
        JsonObject hello = RegistryConnection.request("hello");
        hello.addProperty("v", 1);
        hello.addProperty("guest", true);
        return call(c, r, hello, "welcome").get("name").getAsString();
    }

    private static JsonObject call(LoadContext c, RegistryConnection r, JsonObject request, String op) throws Exception {
        JsonObject reply = r.call(request, c.timeout());
        if (!op.equals(reply.get("op").getAsString())) {
            throw new RtmfpException(request.get("op").getAsString() + " answered " + reply);
        }
        return reply;
    }

    /**
     * C asks the server for B by peer ID and opens the direct session; B answers the Forwarded
     * IHello on its server session's socket, as a Flash peer does. Both ends then close at once,
     * each waiting for the other's acknowledgement (RFC 7016 §3.5.5), so each must keep reading.
     */
    private static void introduce(LoadContext c, RtmfpClient clientB, NetConnection b) throws Exception {
        PeerResponder responder = new PeerResponder(clientB, b.session());
        CompletableFuture<Session> accepted = responder.acceptAsync(c.timeout());
        try (RtmfpClient clientC = new RtmfpClient()) {
            Session direct = Handshake.toPeer(clientC.transport(), RtmfpUri.parse(c.uri()), b.session().info().peerId(),
                    c.options()).run();
            Session atB = accepted.get(c.timeout().toMillis(), TimeUnit.MILLISECONDS);
            CompletableFuture<Void> closeB = CompletableFuture.runAsync(() -> {
                try {
                    atB.close(c.timeout());
                } catch (IOException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            direct.ping(c.timeout());
            direct.close(c.timeout());
            closeB.get(c.timeout().toMillis() * 2, TimeUnit.MILLISECONDS);
        } finally {
            accepted.cancel(true);
        }
    }

    /** A publishes {@link #MEDIA_SECONDS} s of media under {@code name}, B plays it; returns the frames B got. */
    private long publishAndPlay(LoadContext c, NetConnection a, NetConnection b, String name) throws Exception {
        Duration timeout = c.timeout();
        NetStream out = NetStream.create(a, timeout);
        out.publish(name, "live");
        expect(out, "NetStream.Publish.Start", timeout);
        NetStream in = NetStream.create(b, timeout);
        in.play(name);
        expect(in, "NetStream.Play.Start", timeout);
        for (Sample m : media) {
            out.send(m.type(), m.timestamp(), m.body());
        }
        out.awaitAcknowledged(timeout);
        long video = Delivery.frames(media, Sample.VIDEO);
        long audio = Delivery.frames(media, Sample.AUDIO);
        List<Sample> got = new ArrayList<>();
        while (Delivery.frames(got, Sample.VIDEO) < video || Delivery.frames(got, Sample.AUDIO) < audio) {
            TcMessage m = in.awaitMessage(timeout, TcMessage.VIDEO, TcMessage.AUDIO);
            got.add(new Sample(m.type(), m.timestamp(), m.body()));
        }
        Delivery.Verdict v = Delivery.verdict(media, got, video, audio, false, "");
        if (!v.ok()) {
            throw new RtmfpException("play of " + name + ": " + v.detail());
        }
        out.close();
        in.close();
        return got.size();
    }

    private static void expect(NetStream ns, String code, Duration timeout) throws Exception {
        AmfObject info = ns.awaitStatus(x -> code.equals(x) || x.endsWith("Failed") || x.endsWith("NotFound")
                || x.endsWith("BadName"), timeout);
        if (!code.equals(info.string("code"))) {
            throw new RtmfpException("expected " + code + ", got " + info.string("code"));
        }
    }

    private static String peerId(NetConnection nc) {
        return HexFormat.of().formatHex(nc.session().info().peerId());
    }
}
