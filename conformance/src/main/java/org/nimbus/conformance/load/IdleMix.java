package org.nimbus.conformance.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.RtmfpUri;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.client.UdpTransport;
import org.nimbus.conformance.tc.ConnectStyle;
import org.nimbus.conformance.tc.NetConnection;

/**
 * {@code mix=idle}: {@code sessions} sessions opened at {@code rate} per second and held open
 * until {@code duration} has passed since the start, {@code per_socket} of them on each UDP
 * socket (sessions behind one NAT binding share a source address the same way). Once open, a
 * socket is served by one of a few selector threads ("pumps"), which answer the server's
 * keepalive pings (RFC 7016 §2.3.9), acknowledge what it sends and ping each held session once
 * per {@code ping} period, spread evenly over the period; so tens of thousands of sessions need
 * neither a thread nor a socket each. Figures: the handshake latency, the Ping round trip with all
 * the sessions held, and with {@code --jmx} the server's heap after a full GC before the
 * sessions open and while they are held, per session.
 */
final class IdleMix implements LoadMix {
    static final int PUMPS = 4;

    /** A held session, its socket, and the ping it has outstanding. */
    private static final class Held {
        final Session session;
        byte[] ping;
        long pingSentNanos;
        boolean lost;

        Held(Session session) {
            this.session = session;
        }
    }

    /** One UDP socket and the sessions on it, by the session ID the server sends to. */
    private static final class Socket {
        final RtmfpClient client;
        final Map<Long, Held> sessions = new HashMap<>();

        Socket(RtmfpClient client) {
            this.client = client;
        }

        DatagramChannel channel() {
            return client.transport().channel();
        }
    }

    /** What every pump and opener adds to. */
    private static final class Tallies {
        final Latency handshake = new Latency("handshake (due→up)");
        final Latency ping = new Latency("ping RTT (held)");
        final AtomicLong opened = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong lost = new AtomicLong();
        final AtomicReference<String> firstError = new AtomicReference<>();

        void lose(Held h, String why) {
            if (!h.lost) {
                h.lost = true;
                lost.incrementAndGet();
                firstError.compareAndSet(null, "held session: " + why);
            }
        }
    }

    @Override
    public long run(LoadContext c) throws Exception {
        Tallies t = new Tallies();
        ServerProbe probe = c.probe();
        Long heapBefore = probe == null ? null : settledHeap(probe);
        int sessionsBefore = probe == null ? -1 : probe.rtmfpSessions();
        long t0 = System.nanoTime();
        Pacer pacer = new Pacer(t0, c.spec().rate(), c.spec().duration().toNanos());
        List<Pump> pumps = new ArrayList<>();
        for (int k = 0; k < PUMPS; k++) {
            Pump p = new Pump(k, c, t);
            pumps.add(p);
            p.start();
        }
        int perSocket = c.spec().perSocket();
        int sockets = (c.spec().sessions() + perSocket - 1) / perSocket;
        ExecutorService openers = Executors.newFixedThreadPool(Math.min(HandshakeMix.MAX_IN_FLIGHT, sockets));
        long started = 0;
        for (int s = 0; s < sockets && started < c.spec().sessions() && pacer.due(started) >= 0; s++) {
            int n = (int) Math.min(perSocket, c.spec().sessions() - started);
            long first = started;
            Pacer.until(pacer.due(first));
            Pump to = pumps.get(s % PUMPS);
            openers.execute(() -> open(c, t, pacer, first, n, to));
            started += n;
        }
        openers.shutdown();
        openers.awaitTermination(c.timeout().toMillis() * 4 + c.spec().duration().toMillis(), TimeUnit.MILLISECONDS);
        long openNanos = System.nanoTime() - t0;
        // hold until the end of the run, and at least until every socket reached its pump
        Pacer.until(pacer.endNanos());
        for (Pump p : pumps) {
            p.finish();
        }
        c.out().printf(Locale.ROOT, "sessions: %d started, %d opened, %d failed in %.2f s (%d per socket); holding until %.1f s%n",
                started, t.opened.get(), t.failed.get(), openNanos / 1e9, perSocket, c.spec().duration().toMillis() / 1000.0);
        for (Pump p : pumps) {
            p.join();
        }
        long held = pumps.stream().mapToLong(Pump::held).sum();
        c.out().printf(Locale.ROOT, "held to the end: %d, lost while held: %d%n", held, t.lost.get());
        c.out().println(t.handshake.line());
        c.out().println(t.ping.line());
        Long heapHeld = probe == null ? null : probe.heapAfterFullGc();
        closeAll(pumps, c);
        if (probe != null) {
            String after = "";
            if (sessionsBefore >= 0 && awaitSessions(probe, sessionsBefore, c)) {
                after = String.format(Locale.ROOT, ", %.1f MB once the server let them go", settledHeap(probe) / 1048576.0);
            }
            c.out().printf(Locale.ROOT, "server heap after a full GC: %.1f MB before the sessions, %.1f MB with %d held%s: %.2f KB per held session%n",
                    heapBefore / 1048576.0, heapHeld / 1048576.0, held, after,
                    held == 0 ? 0.0 : (heapHeld - heapBefore) / 1024.0 / held);
        }
        if (t.firstError.get() != null) {
            c.out().println("first failure: " + t.firstError.get());
        }
        return t.failed.get() + t.lost.get() + (started - t.opened.get() - t.failed.get());
    }

    /** Opens {@code n} sessions on one new socket, each at its due time, then hands the socket to a pump. */
    private static void open(LoadContext c, Tallies t, Pacer pacer, long first, int n, Pump to) {
        RtmfpClient client;
        try {
            DatagramChannel ch = DatagramChannel.open().bind(new InetSocketAddress(0));
            client = new RtmfpClient(new UdpTransport(ch));
        } catch (IOException e) {
            t.failed.addAndGet(n);
            t.firstError.compareAndSet(null, "socket: " + e);
            return;
        }
        Socket socket = new Socket(client);
        for (int i = 0; i < n; i++) {
            long due = pacer.due(first + i);
            if (due < 0) {
                break;
            }
            Pacer.until(due);
            try {
                Session s = client.connect(c.uri(), c.options());
                t.handshake.recordNanos(System.nanoTime() - due);
                if (c.spec().connect()) {
                    // connect=true: a NetConnection open on the session, as a page holds one
                    NetConnection nc = new NetConnection(s);
                    String app = RtmfpUri.parse(c.uri()).path();
                    if (!nc.connect(app, c.uri(), ConnectStyle.FLASH, c.timeout()).success()) {
                        throw new IOException("connect to " + app + " refused");
                    }
                }
                s.forgetReceived();
                socket.sessions.put(s.initiatorSessionId() & 0xffffffffL, new Held(s));
                t.opened.incrementAndGet();
            } catch (Exception e) {
                t.failed.incrementAndGet();
                t.firstError.compareAndSet(null, "handshake: " + e);
            }
        }
        if (socket.sessions.isEmpty()) {
            client.close();
        } else {
            to.add(socket);
        }
    }

    /**
     * One selector thread: takes the datagrams of its sockets as they arrive, hands each to the
     * session it is addressed to, and pings its sessions in turn until the end of the run.
     */
    private static final class Pump extends Thread {
        private final Selector selector;
        private final Queue<Socket> incoming = new ConcurrentLinkedQueue<>();
        private final List<Socket> sockets = new ArrayList<>();
        private final List<Held> ringOrder = new ArrayList<>();
        private final LoadContext c;
        private final Tallies t;
        private final long pingPeriodNanos;
        private volatile boolean stop;
        private int nextPing;
        private long roundStart = System.nanoTime();

        Pump(int n, LoadContext c, Tallies t) throws IOException {
            super("load-idle-pump-" + n);
            setDaemon(true);
            this.selector = Selector.open();
            this.c = c;
            this.t = t;
            this.pingPeriodNanos = c.spec().ping().toNanos();
        }

        /** Ends the pump once it has taken every socket handed to it. */
        void finish() {
            stop = true;
            selector.wakeup();
        }

        void add(Socket s) {
            incoming.add(s);
            selector.wakeup();
        }

        long held() {
            return ringOrder.stream().filter(h -> !h.lost).count();
        }

        List<Socket> sockets() {
            return sockets;
        }

        @Override
        public void run() {
            try {
                while (!stop || !incoming.isEmpty()) {
                    for (Socket s; (s = incoming.poll()) != null; ) {
                        s.channel().configureBlocking(false);
                        s.channel().register(selector, SelectionKey.OP_READ, s);
                        sockets.add(s);
                        ringOrder.addAll(s.sessions.values());
                        read(s); // what arrived before it was registered
                    }
                    long wait = pingDue();
                    selector.select(Math.max(1, Math.min(100, wait / 1_000_000)));
                    for (SelectionKey k : selector.selectedKeys()) {
                        read((Socket) k.attachment());
                    }
                    selector.selectedKeys().clear();
                }
                selector.close(); // deregisters every channel, so they can be closed in blocking mode
            } catch (IOException | ClosedSelectorException e) {
                t.firstError.compareAndSet(null, getName() + ": " + e);
            }
        }

        private void read(Socket s) {
            UdpTransport transport = s.client.transport();
            try {
                for (UdpTransport.Datagram d; (d = transport.poll()) != null; ) {
                    Held h = s.sessions.get(d.sessionId());
                    if (h == null || h.lost) {
                        continue;
                    }
                    h.session.deliver(d); // answers pings, acknowledges data, notes a close
                    if (h.ping != null && h.session.takePingReply(h.ping)) {
                        t.ping.recordNanos(System.nanoTime() - h.pingSentNanos);
                        h.ping = null;
                    }
                    h.session.forgetReceived();
                    if (h.session.state() != Session.State.OPEN) {
                        t.lose(h, "the server closed the session");
                    }
                }
            } catch (IOException | RuntimeException e) {
                for (Held h : s.sessions.values()) {
                    t.lose(h, e.toString());
                }
            }
        }

        /**
         * Pings the sessions whose turn has come (session i of n at i/n of each period); a ping
         * still unanswered after the step timeout counts its session lost. Returns the nanoseconds
         * until the next turn.
         */
        private long pingDue() {
            int n = ringOrder.size();
            if (pingPeriodNanos == 0 || n == 0) {
                return 100_000_000L;
            }
            long now = System.nanoTime();
            while (true) {
                if (nextPing >= n) {
                    nextPing = 0;
                    roundStart += pingPeriodNanos;
                }
                long due = roundStart + pingPeriodNanos * nextPing / n;
                if (due - now > 0) {
                    return due - now;
                }
                Held h = ringOrder.get(nextPing++);
                if (h.lost) {
                    continue;
                }
                if (h.ping != null && now - h.pingSentNanos > c.timeout().toNanos()) {
                    t.lose(h, "no Ping Reply within " + c.timeout().toMillis() + " ms");
                    continue;
                }
                if (h.ping == null) {
                    byte[] m = new byte[8];
                    ThreadLocalRandom.current().nextBytes(m);
                    try {
                        h.session.sendPing(m);
                        h.ping = m;
                        h.pingSentNanos = now;
                    } catch (IOException e) {
                        t.lose(h, e.toString());
                    }
                }
            }
        }
    }

    /**
     * Waits until the server holds no more sessions than before the run: closed sessions linger
     * for about 19 s to answer a repeated close (RFC 7016 §3.5.5.2). False after a minute.
     */
    private static boolean awaitSessions(ServerProbe probe, int count, LoadContext c) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (probe.rtmfpSessions() <= count) {
                return true;
            }
            Thread.sleep(500); // polling a remote counter: there is no event to await over JMX
        }
        return false;
    }

    /**
     * The heap after a full GC once it stops shrinking: the RTMFP sessions are gone first, the
     * Red5 connections on them a little later (their disconnects run on Red5's threads).
     */
    private static long settledHeap(ServerProbe probe) throws IOException, InterruptedException {
        long last = probe.heapAfterFullGc();
        for (int i = 0; i < 30; i++) {
            Thread.sleep(2000); // a remote heap has no event to await either
            long now = probe.heapAfterFullGc();
            if (now > last - last / 100) {
                return Math.min(now, last);
            }
            last = now;
        }
        return last;
    }

    /** Closes every held session (each socket's in turn, in blocking mode), sockets in parallel. */
    private static void closeAll(List<Pump> pumps, LoadContext c) throws InterruptedException {
        ExecutorService closers = Executors.newFixedThreadPool(HandshakeMix.MAX_IN_FLIGHT);
        for (Pump p : pumps) {
            for (Socket s : p.sockets()) {
                closers.execute(() -> {
                    try {
                        s.channel().configureBlocking(true);
                        for (Held h : s.sessions.values()) {
                            if (!h.lost) {
                                h.session.close(c.timeout());
                            }
                        }
                    } catch (IOException | RuntimeException e) {
                        // the figures are taken; a lost close ack changes nothing
                    } finally {
                        s.client.close();
                    }
                });
            }
        }
        closers.shutdown();
        closers.awaitTermination(c.timeout().toMillis() * 4, TimeUnit.MILLISECONDS);
    }
}
