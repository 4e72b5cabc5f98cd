package org.nimbus.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.nimbus.conncheck.ConnCheckService;
import org.nimbus.conncheck.ConnChecks;
import org.nimbus.rtmfp.crypto.JcaCryptoProvider;
import org.nimbus.rtmfp.handshake.StartupPackets;
import org.nimbus.tc.TcFlowService;

/**
 * The connectivity check's network edge: the extra UDP sockets it probes from (another port on
 * the server's address, another address, the introduction's reply address), each a
 * {@link UdpTransport} of its own like the main endpoint's, feeding {@link ConnCheckService} on the RTMFP loop, and the timer that ticks
 * it. What arrives on them is bounded before it reaches the loop; the loop keeps nothing for a
 * datagram that is not a live check's RHello.
 */
public final class ConnCheckSockets implements AutoCloseable {
    /** Datagrams of one extra socket waiting for the loop; beyond, they are dropped. */
    private static final int QUEUED_PER_SOCKET = 1024;
    private static final long TICK_MILLIS = 20;

    private final Map<ConnChecks.Socket, UdpTransport> transports = new EnumMap<>(ConnChecks.Socket.class);
    private final Map<ConnChecks.Socket, org.nimbus.rtmfp.session.DatagramOutput> outputs = new EnumMap<>(ConnChecks.Socket.class);
    private final Map<ConnChecks.Socket, InetSocketAddress> addresses = new EnumMap<>(ConnChecks.Socket.class);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nimbus-conncheck-timer");
        t.setDaemon(true);
        return t;
    });
    private volatile ConnCheckService service;

    private ConnCheckSockets() {
    }

    /**
     * Binds the extra sockets ({@code otherAddress} and {@code introAddress} may be null) and
     * installs the check into the TC layer of the running server. On failure nothing stays bound.
     */
    public static ConnCheckSockets start(RtmfpServer server, TcFlowService tc, InetSocketAddress otherPort,
                                         InetSocketAddress otherAddress, InetSocketAddress introAddress, int maxChecks)
            throws IOException {
        ConnCheckSockets s = new ConnCheckSockets();
        try {
            s.bind(server.loop(), ConnChecks.Socket.OTHER_PORT, otherPort);
            if (otherAddress != null) {
                s.bind(server.loop(), ConnChecks.Socket.OTHER_ADDRESS, otherAddress);
            }
            if (introAddress != null) {
                s.bind(server.loop(), ConnChecks.Socket.INTRODUCTION, introAddress);
            }
        } catch (IOException e) {
            s.close();
            throw e;
        }
        SecureRandom random = new SecureRandom();
        s.service = new ConnCheckService(server.endpoint(), tc, new StartupPackets(new JcaCryptoProvider()),
                s.transports.keySet(), introAddress, ConnChecks.Limits.defaults(maxChecks), () -> {
                    byte[] tag = new byte[32];
                    random.nextBytes(tag);
                    return tag;
                }, s::send);
        AtomicBoolean queued = new AtomicBoolean();
        RtmfpLoop loop = server.loop();
        s.timer.scheduleAtFixedRate(() -> {
            if (queued.compareAndSet(false, true)) {
                loop.execute(() -> {
                    queued.set(false);
                    s.service.onTimer(loop.now());
                });
            }
        }, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        tc.connCheck(s.service);
        return s;
    }

    private void bind(RtmfpLoop loop, ConnChecks.Socket kind, InetSocketAddress address) throws IOException {
        AtomicInteger waiting = new AtomicInteger();
        UdpTransport udp = new UdpTransport((from, datagram, replies, settled) -> {
            if (waiting.incrementAndGet() > QUEUED_PER_SOCKET) {
                waiting.decrementAndGet();
            } else {
                loop.execute(() -> {
                    waiting.decrementAndGet();
                    ConnCheckService svc = service;
                    if (svc != null) {
                        svc.onDatagram(kind, from, datagram, loop.now());
                    }
                });
            }
            settled.run();
        });
        transports.put(kind, udp);
        addresses.put(kind, address);
        udp.bind(List.of(address));
        outputs.put(kind, udp.output(0));
    }

    private void send(ConnChecks.Socket from, InetSocketAddress to, byte[] datagram) {
        org.nimbus.rtmfp.session.DatagramOutput out = outputs.get(from);
        if (out != null) {
            out.send(to, datagram);
        }
    }

    /** The bound address of an extra socket, or null. */
    public InetSocketAddress address(ConnChecks.Socket socket) {
        return addresses.get(socket);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        transports.values().forEach(UdpTransport::close);
    }
}
