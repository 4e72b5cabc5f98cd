package org.nimbus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nimbus.conformance.client.ConnectOptions;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.load.ServerProbe;
import org.nimbus.conformance.registry.RegistryConnection;
import org.nimbus.conformance.registry.TcpRegistryConnection;
import org.nimbus.conformance.tc.ConnectStyle;
import org.nimbus.conformance.tc.NetConnection;
import org.nimbus.rtmfp.crypto.JcaCryptoProvider;
import org.nimbus.rtmfp.handshake.IHello;
import org.nimbus.rtmfp.handshake.StartupPackets;

/**
 * Floods from many source addresses against the assembled install (issue 18, point 3). On Linux
 * every 127.x.y.z address is this host's and can be bound without configuration, so each
 * IHello (RFC 7016 §2.3.2) and each registry connection comes from its own address, as a spoofed
 * flood's would. CI sends 20 000 IHellos at 5 000 a second; {@code -Dnimbus.flood.ihellos=100000}
 * and {@code -Dnimbus.flood.rate=N} run the full size. Heap after GC is read over JMX.
 */
class FloodIT {
    private static final int IHELLOS = Integer.getInteger("nimbus.flood.ihellos", 20_000);
    private static final int RATE = Integer.getInteger("nimbus.flood.rate", 5_000);
    /** Heap growth allowed across a flood: the server keeps no state per IHello (stateless cookies, §3.5.1.1.1). */
    private static final long HEAP_SLACK = 16L << 20;
    private static Red5Install red5;
    private static ServerProbe probe;

    @BeforeAll
    static void start() throws Exception {
        int jmx = Red5Install.freeTcpPort();
        red5 = Red5Install.copy(Map.of());
        red5.javaOpts(Red5Install.jmxOpts(jmx)).start();
        red5.awaitLine(Pattern.compile("Nimbus \\S+ started: RTMFP on udp"), Duration.ofSeconds(90));
        red5.awaitLine(Pattern.compile("Nimbus registry started"), Duration.ofSeconds(30));
        red5.awaitHttp(Duration.ofSeconds(90));
        probe = new ServerProbe("127.0.0.1:" + jmx);
    }

    @AfterAll
    static void stop() throws Exception {
        if (probe != null) {
            probe.close();
        }
        if (red5 != null) {
            red5.close();
        }
    }

    /** The i-th flood address: 127.1.0.1 onwards, never 127.0.0.1 (the legitimate client's). */
    static InetAddress source(int i) throws IOException {
        int n = i + 1;
        return InetAddress.getByAddress(new byte[] {127, (byte) (1 + (n >> 16) % 254), (byte) (n >> 8), (byte) n});
    }

    @Test
    void anIHelloFloodFromManyAddressesKeepsTheHeapBoundedAndARealClientConnectsWithinASecond() throws Exception {
        long heapBefore = probe.heapAfterFullGc();
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", red5.rtmfpPort);
        StartupPackets startup = new StartupPackets(new JcaCryptoProvider());
        SecureRandom random = new SecureRandom();
        AtomicLong answered = new AtomicLong();
        AtomicLong sampled = new AtomicLong();
        CompletableFuture<Long> flood = CompletableFuture.supplyAsync(() -> {
            long t0 = System.nanoTime();
            byte[] tag = new byte[16];
            try {
                for (int i = 0; i < IHELLOS; i++) {
                    long due = t0 + i * 1_000_000_000L / RATE;
                    while (System.nanoTime() < due) {
                        Thread.onSpinWait();
                    }
                    random.nextBytes(tag);
                    // an IHello naming the server's URI ("rtmfp://host/nimbus", EPD option 0x0a)
                    byte[] d = startup.seal(0, new IHello(epd(), tag.clone()).chunk(), System.currentTimeMillis());
                    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(source(i), 0))) {
                        s.send(new DatagramPacket(d, d.length, server));
                        if (i % 500 == 0) {
                            // one sender in 500 waits for its RHello: the flood reaches the server and is answered
                            sampled.incrementAndGet();
                            s.setSoTimeout(2000);
                            try {
                                s.receive(new DatagramPacket(new byte[1500], 1500));
                                answered.incrementAndGet();
                            } catch (SocketTimeoutException e) {
                                // unanswered: counted by the assertion below
                            }
                        }
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return System.nanoTime() - t0;
        });
        // a real client connects (handshake and NetConnection) while the flood runs, several times
        long worst = 0;
        int connects = 0;
        while (!flood.isDone()) {
            long t = System.nanoTime();
            try (RtmfpClient client = new RtmfpClient()) {
                Session s = client.connect("rtmfp://127.0.0.1:" + red5.rtmfpPort + "/nimbus", ConnectOptions.defaults());
                NetConnection nc = new NetConnection(s);
                assertTrue(nc.connect("nimbus", "rtmfp://127.0.0.1:" + red5.rtmfpPort + "/nimbus", ConnectStyle.FLASH,
                        Duration.ofSeconds(5)).success(), "NetConnection during the flood");
                worst = Math.max(worst, System.nanoTime() - t);
                connects++;
                s.close(Duration.ofSeconds(5));
            }
        }
        long floodNanos = flood.get();
        long heapAfter = probe.heapAfterFullGc();
        System.out.printf("IHello flood: %d from %d addresses in %.1f s (%.0f/s); %d of %d sampled answered; "
                        + "%d client connects during it, slowest %.0f ms; heap after GC %.1f -> %.1f MB%n",
                IHELLOS, IHELLOS, floodNanos / 1e9, IHELLOS / (floodNanos / 1e9), answered.get(), sampled.get(), connects,
                worst / 1e6, heapBefore / 1048576.0, heapAfter / 1048576.0);
        assertTrue(connects >= 1, "a client connected during the flood");
        assertTrue(worst < 1_000_000_000L, "slowest connect during the flood " + worst / 1e6 + " ms");
        assertTrue(answered.get() >= sampled.get() * 9 / 10, answered + " of " + sampled + " sampled IHellos answered");
        assertTrue(heapAfter - heapBefore < HEAP_SLACK, "heap after GC grew " + (heapAfter - heapBefore) + " bytes");
        assertTrue(red5.isAlive());
    }

    private static byte[] epd;

    /** EPD of an IHello to a server: option 0x0a, the URI (RFC 7425 §4.4.1). */
    private static synchronized byte[] epd() {
        if (epd == null) {
            byte[] uri = ("rtmfp://127.0.0.1:" + red5.rtmfpPort + "/nimbus").getBytes(StandardCharsets.US_ASCII);
            epd = new byte[uri.length + 2];
            epd[0] = (byte) (uri.length + 1);
            epd[1] = 0x0a;
            System.arraycopy(uri, 0, epd, 2, uri.length);
        }
        return epd;
    }

    /**
     * TCP and WebSocket connection floods against registry.accept_rate_per_ip (64 a second, bursts
     * of 64): 100 addresses each open 100 TCP connections and 100 WebSocket upgrades as fast as they
     * can; beyond each address's burst they are refused at accept (TCP) or with 429 (WebSocket). A
     * legitimate client from its own address then still says hello and registers, and the heap
     * after GC stays bounded.
     */
    @Test
    void registryConnectionFloodsFromManyAddressesAreRefusedBeyondTheRateAndALegitimateClientStillRegisters() throws Exception {
        long heapBefore = probe.heapAfterFullGc();
        int addresses = 100;
        int perAddress = 100;
        long tcpServed = 0;
        long tcpRefused = 0;
        long ws101 = 0;
        long ws429 = 0;
        long t0 = System.nanoTime();
        for (int a = 0; a < addresses; a++) {
            InetAddress from = source(50_000 + a);
            for (int i = 0; i < perAddress; i++) {
                if (tcpConnectServed(from)) {
                    tcpServed++;
                } else {
                    tcpRefused++;
                }
                int status = wsUpgrade(from);
                if (status == 101) {
                    ws101++;
                } else if (status == 429) {
                    ws429++;
                }
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        long t = System.nanoTime();
        try (RegistryConnection legit = new TcpRegistryConnection(new InetSocketAddress("127.0.0.1", red5.registryTcpPort),
                Duration.ofSeconds(5))) {
            JsonObject hello = RegistryConnection.request("hello");
            hello.addProperty("v", 1);
            hello.addProperty("guest", true);
            assertEquals("welcome", legit.call(hello, Duration.ofSeconds(5)).get("op").getAsString());
            assertEquals("registered", legit.call(RegistryConnection.request("register", "peerId", "ab".repeat(32)),
                    Duration.ofSeconds(5)).get("op").getAsString());
        }
        double legitMs = (System.nanoTime() - t) / 1e6;
        long heapAfter = probe.heapAfterFullGc();
        System.out.printf("registry flood: %d addresses x %d TCP + %d WebSocket in %.1f s; TCP %d served, %d refused; "
                        + "WebSocket %d upgraded, %d 429; legitimate hello+register %.0f ms; heap after GC %.1f -> %.1f MB%n",
                addresses, perAddress, perAddress, s, tcpServed, tcpRefused, ws101, ws429, legitMs, heapBefore / 1048576.0,
                heapAfter / 1048576.0);
        assertTrue(tcpRefused > 0 && ws429 > 0, "the flood met the per-address rate");
        // each address gets at most its burst plus what refills while it floods (64 a second)
        long allowed = (long) addresses * 64 + (long) Math.ceil(s * 64) * 2;
        assertTrue(tcpServed + ws101 <= allowed, (tcpServed + ws101) + " connections served, at most " + allowed);
        assertTrue(heapAfter - heapBefore < HEAP_SLACK, "heap after GC grew " + (heapAfter - heapBefore) + " bytes");
        assertTrue(red5.isAlive());
    }

    /** True when the registry answers a TCP connection (a ping gets a frame back); false when it closes at accept. */
    private boolean tcpConnectServed(InetAddress from) throws IOException {
        try (Socket sock = new Socket()) {
            sock.bind(new InetSocketAddress(from, 0));
            sock.connect(new InetSocketAddress("127.0.0.1", red5.registryTcpPort), 2000);
            sock.setSoTimeout(2000);
            byte[] ping = "{\"op\":\"ping\",\"id\":1}".getBytes(StandardCharsets.UTF_8);
            OutputStream out = sock.getOutputStream();
            try {
                out.write(new byte[] {0, 0, 0, (byte) ping.length});
                out.write(ping);
                out.flush();
                return sock.getInputStream().read() >= 0;
            } catch (IOException e) {
                return false; // reset: closed at accept
            }
        }
    }

    /** The HTTP status of a WebSocket upgrade request to the registry from {@code from}. */
    private int wsUpgrade(InetAddress from) throws IOException {
        try (Socket sock = new Socket()) {
            sock.bind(new InetSocketAddress(from, 0));
            sock.connect(new InetSocketAddress("127.0.0.1", red5.httpPort), 2000);
            sock.setSoTimeout(5000);
            String req = "GET /nimbus/registry HTTP/1.1\r\nHost: 127.0.0.1:" + red5.httpPort + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
            sock.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
            InputStream in = sock.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c; (c = in.read()) >= 0 && c != '\n';) {
                line.append((char) c);
            }
            String[] parts = line.toString().split(" ");
            return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
        }
    }
}
