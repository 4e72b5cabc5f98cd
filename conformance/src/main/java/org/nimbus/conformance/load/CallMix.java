package org.nimbus.conformance.load;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.RtmfpException;
import org.nimbus.conformance.client.RtmfpUri;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.tc.Command;
import org.nimbus.conformance.tc.ConnectStyle;
import org.nimbus.conformance.tc.NetConnection;
import org.nimbus.conformance.tc.TcMessage;

/**
 * {@code mix=call}: {@code sessions} NetConnections (RFC 7425 §5.2) to the URI's application,
 * paired 0-1, 2-3, …; then {@code rate} operations per second until {@code duration}, taking the
 * pairs in turn, each pair cycling through: a call round trip on one side ({@code echo(n)}, which
 * the application must serve and answer with {@code n}), a relay from that side to the other
 * ({@code relay(peerId, n)}, which must reach it as {@code onRelay(senderPeerId, n)}), then the
 * same from the other side. A call is 2 messages through the server, a relay 3 (the relay, the
 * onRelay, the relay's result). Each session is driven by one worker only, so it must be used at
 * least every {@link #MAX_QUIET_SECONDS} seconds to stay alive: rate at least
 * sessions / {@value #MAX_QUIET_SECONDS}.
 */
final class CallMix implements LoadMix {
    static final int WORKERS = 8;
    /** Well within the server's idle timeout (60 s by default) and under its keepalive (15 s). */
    static final int MAX_QUIET_SECONDS = 10;

    /** Two connected NetConnections and their peer IDs. */
    private record Pair(NetConnection a, NetConnection b, String idA, String idB) {
    }

    /** One side of a pair's operations: who calls or relays, and to whom. */
    record Side(NetConnection from, NetConnection to, String fromId, String toId) {
    }

    @Override
    public long run(LoadContext c) throws Exception {
        int sessions = c.spec().sessions();
        if (sessions < 2 || sessions % 2 != 0) {
            throw new IllegalArgumentException("mix=call needs an even number of sessions (they relay in pairs)");
        }
        if (c.spec().rate() * MAX_QUIET_SECONDS < sessions) {
            throw new IllegalArgumentException("mix=call: rate must be at least sessions/" + MAX_QUIET_SECONDS
                    + " so that every session is used often enough to stay alive");
        }
        String app = RtmfpUri.parse(c.uri()).path();
        List<RtmfpClient> clients = new ArrayList<>();
        List<NetConnection> conns = new ArrayList<>();
        Latency connect = new Latency("handshake+connect");
        AtomicReference<String> firstError = new AtomicReference<>();
        try {
            long connectFailures = connectAll(c, app, clients, conns, connect, firstError);
            List<Pair> pairs = new ArrayList<>();
            for (int i = 0; i + 1 < conns.size(); i += 2) {
                pairs.add(new Pair(conns.get(i), conns.get(i + 1), peerId(conns.get(i)), peerId(conns.get(i + 1))));
            }
            c.out().printf(Locale.ROOT, "NetConnections: %d connected to '%s', %d failed; %d pairs%n", conns.size(), app,
                    connectFailures, pairs.size());
            c.out().println(connect.line());
            if (pairs.isEmpty()) {
                return connectFailures;
            }
            return connectFailures + operate(c, pairs, firstError);
        } finally {
            if (firstError.get() != null) {
                c.out().println("first failure: " + firstError.get());
            }
            closeAll(c, conns, clients);
        }
    }

    private static long connectAll(LoadContext c, String app, List<RtmfpClient> clients, List<NetConnection> conns,
                                   Latency connect, AtomicReference<String> firstError) throws InterruptedException {
        AtomicLong failed = new AtomicLong();
        ExecutorService openers = Executors.newFixedThreadPool(Math.min(HandshakeMix.MAX_IN_FLIGHT, c.spec().sessions()));
        for (int i = 0; i < c.spec().sessions(); i++) {
            openers.execute(() -> {
                RtmfpClient client = null;
                try {
                    long t = System.nanoTime();
                    client = new RtmfpClient();
                    Session s = client.connect(c.uri(), c.options());
                    NetConnection nc = new NetConnection(s);
                    NetConnection.ConnectResult r = nc.connect(app, c.uri(), ConnectStyle.FLASH, c.timeout());
                    if (!r.success()) {
                        throw new RtmfpException("connect refused: " + r.reply());
                    }
                    connect.recordNanos(System.nanoTime() - t);
                    synchronized (conns) {
                        clients.add(client);
                        conns.add(nc);
                    }
                } catch (Exception e) {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, "connect: " + e);
                    if (client != null) {
                        client.close();
                    }
                }
            });
        }
        openers.shutdown();
        openers.awaitTermination(c.timeout().toMillis() * (c.spec().sessions() / 16 + 4), TimeUnit.MILLISECONDS);
        synchronized (conns) {
            if (conns.size() % 2 != 0) {
                // an odd one out has no partner: not used, closed with the others
                conns.remove(conns.size() - 1);
            }
        }
        return failed.get();
    }

    private static long operate(LoadContext c, List<Pair> pairs, AtomicReference<String> firstError)
            throws InterruptedException {
        Latency call = new Latency("call (due→result)");
        Latency relay = new Latency("relay (due→onRelay)");
        AtomicLong calls = new AtomicLong();
        AtomicLong relays = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        int workers = Math.min(WORKERS, pairs.size());
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            List<Pair> mine = new ArrayList<>();
            for (int k = w; k < pairs.size(); k += workers) {
                mine.add(pairs.get(k)); // a session is pumped by one worker only
            }
            Pacer pacer = new Pacer(t0, c.spec().rate() / workers, c.spec().duration().toNanos());
            int worker = w;
            Thread t = new Thread(() -> {
                for (long i = 0, due; (due = pacer.due(i)) >= 0 && !mine.isEmpty(); i++) {
                    Pacer.until(due);
                    Pair p = mine.get((int) (i % mine.size()));
                    long round = i / mine.size();
                    Side side = round % 4 < 2 ? new Side(p.a(), p.b(), p.idA(), p.idB())
                            : new Side(p.b(), p.a(), p.idB(), p.idA());
                    double n = worker * 1e9 + i; // unique per operation: a stale answer cannot pass
                    try {
                        if (round % 2 == 0) {
                            echo(side, n, c);
                            call.recordNanos(System.nanoTime() - due);
                            calls.incrementAndGet();
                        } else {
                            relay(side, n, c);
                            relay.recordNanos(System.nanoTime() - due);
                            relays.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        firstError.compareAndSet(null, (round % 2 == 0 ? "call: " : "relay: ") + e);
                        mine.remove(p); // its sessions may be gone: later turns would only wait out the timeout
                    }
                }
            }, "load-call-" + w);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long ops = calls.get() + relays.get();
        c.out().printf(Locale.ROOT, "operations: %d calls and %d relays done, %d failed in %.2f s: %.1f operations/s, "
                        + "%.1f messages/s through the server%n", calls.get(), relays.get(), failed.get(), seconds,
                ops / seconds, (2 * calls.get() + 3 * relays.get()) / seconds);
        c.out().println(call.line());
        c.out().println(relay.line());
        return failed.get();
    }

    /** A call round trip: {@code echo(n)} must come back as n. */
    static void echo(Side s, double n, LoadContext c) throws Exception {
        Command r = s.from().call("echo", TcMessage.COMMAND_AMF0, c.timeout(), n);
        if (!r.isResult() || !Double.valueOf(n).equals(r.args().get(r.args().size() - 1))) {
            throw new RtmfpException("echo(" + n + ") answered " + r);
        }
    }

    /** {@code relay(to, n)}: a result for the sender, {@code onRelay(from, n)} for the target. */
    static void relay(Side s, double n, LoadContext c) throws Exception {
        Command r = s.from().call("relay", TcMessage.COMMAND_AMF0, c.timeout(), s.toId(), n);
        if (!r.isResult()) {
            throw new RtmfpException("relay answered " + r);
        }
        Command got = s.to().awaitCommand("onRelay", c.timeout());
        List<Object> args = got.args();
        if (args.size() < 3 || !s.fromId().equals(args.get(1)) || !Double.valueOf(n).equals(args.get(2))) {
            throw new RtmfpException("onRelay for " + n + " from " + s.fromId() + " arrived as " + got);
        }
    }

    private static String peerId(NetConnection nc) {
        return HexFormat.of().formatHex(nc.session().info().peerId());
    }

    private static void closeAll(LoadContext c, List<NetConnection> conns, List<RtmfpClient> clients)
            throws InterruptedException {
        ExecutorService closers = Executors.newFixedThreadPool(HandshakeMix.MAX_IN_FLIGHT);
        for (int i = 0; i < clients.size(); i++) {
            RtmfpClient client = clients.get(i);
            Session s = i < conns.size() ? conns.get(i).session() : null;
            closers.execute(() -> {
                try {
                    if (s != null) {
                        s.close(c.timeout());
                    }
                } catch (Exception e) {
                    // the figures are taken; a lost close ack changes nothing
                } finally {
                    client.close();
                }
            });
        }
        closers.shutdown();
        closers.awaitTermination(c.timeout().toMillis() * 4, TimeUnit.MILLISECONDS);
    }
}
