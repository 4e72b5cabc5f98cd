package org.nimbus.conformance.client;

import static org.junit.jupiter.api.Assertions.*;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.nimbus.conformance.crypto.DhGroup;
import org.nimbus.conformance.crypto.DiffieHellman;
import org.nimbus.conformance.wire.ByteWriter;
import org.nimbus.conformance.wire.Chunk;
import org.nimbus.conformance.wire.ChunkType;
import org.nimbus.conformance.wire.CookieChange;
import org.nimbus.conformance.wire.CryptoDirection;
import org.nimbus.conformance.wire.DatagramCodec;
import org.nimbus.conformance.wire.Hex;
import org.nimbus.conformance.wire.IHello;
import org.nimbus.conformance.wire.IIKeying;
import org.nimbus.conformance.wire.Option;
import org.nimbus.conformance.wire.Packet;
import org.nimbus.conformance.wire.PacketMode;
import org.nimbus.conformance.wire.PeerAddress;
import org.nimbus.conformance.wire.RHello;
import org.nimbus.conformance.wire.RIKeying;
import org.nimbus.conformance.wire.Redirect;

/** RFC 7016 §3.5.1: the client follows a Redirect and a cookie change before keying. */
class RedirectCookieChangeTest {
    private static final byte[] OLD_COOKIE = new byte[64];
    private static final byte[] NEW_COOKIE = Hex.decode("01".repeat(64));

    @Test
    void followsRedirectThenCookieChange() throws Exception {
        List<String> problems = new CopyOnWriteArrayList<>();
        try (DatagramSocket a = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket b = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             RtmfpClient client = new RtmfpClient()) {
            Thread ta = thread(() -> {
                Received r = receive(a);
                IHello h = IHello.decode(r.chunk.payload());
                PeerAddress to = new PeerAddress(PeerAddress.ORIGIN_RELAY, InetAddress.getLoopbackAddress(), b.getLocalPort());
                reply(a, r.from, 0, new Redirect(h.tag(), List.of(to)).toChunk());
            }, problems);
            Thread tb = thread(() -> responderB(b, problems), problems);
            Session s = client.connect("rtmfp://127.0.0.1:" + a.getLocalPort() + "/app",
                    ConnectOptions.defaults().timeout(Duration.ofSeconds(8)));
            ta.join(2000);
            tb.join(2000);
            assertEquals(List.of(), problems);
            assertEquals(1, s.info().redirects());
            assertEquals(1, s.info().cookieChanges());
            assertEquals(b.getLocalPort(), s.peer().getPort());
            assertEquals(0x01020304, s.responderSessionId());
        }
    }

    @Test
    void emptyRedirectMeansPeerGone() throws Exception {
        try (DatagramSocket a = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             RtmfpClient client = new RtmfpClient()) {
            List<String> problems = new CopyOnWriteArrayList<>();
            thread(() -> {
                Received r = receive(a);
                PeerAddress gone = new PeerAddress(0, InetAddress.getByAddress(new byte[4]), 0);
                reply(a, r.from, 0, new Redirect(IHello.decode(r.chunk.payload()).tag(), List.of(gone)).toChunk());
            }, problems);
            RtmfpException e = assertThrows(RtmfpException.class, () -> client.connect(
                    "rtmfp://127.0.0.1:" + a.getLocalPort() + "/app", ConnectOptions.defaults().timeout(Duration.ofSeconds(5))));
            assertTrue(e.getMessage().contains("peer gone"), e.getMessage());
        }
    }

    /** RHello, then a cookie change for the first IIKeying, then RIKeying for the new cookie. */
    private static void responderB(DatagramSocket b, List<String> problems) throws Exception {
        Received ih = receive(b);
        byte[] cert = Option.of(0x15, new byte[] {2}).encode();
        reply(b, ih.from, 0, new RHello(IHello.decode(ih.chunk.payload()).tag(), OLD_COOKIE, cert).toChunk());
        Received k1 = receive(b);
        IIKeying first = IIKeying.decode(k1.chunk.payload());
        if (!Arrays.equals(OLD_COOKIE, first.cookieEcho())) {
            problems.add("first IIKeying should echo the RHello cookie");
        }
        reply(b, k1.from, first.initiatorSessionId(), new CookieChange(OLD_COOKIE, NEW_COOKIE).toChunk());
        Received k2 = receive(b);
        while (!Arrays.equals(NEW_COOKIE, IIKeying.decode(k2.chunk.payload()).cookieEcho())) {
            k2 = receive(b); // a retransmission with the old cookie may still arrive
        }
        DiffieHellman mine = DiffieHellman.generate(DhGroup.GROUP_2, new SecureRandom());
        byte[] skrc = new ByteWriter().bytes(Option.of(0x0d, new ByteWriter().vlu(2).bytes(mine.publicKey()).toByteArray()).encode())
                .toByteArray();
        reply(b, k2.from, first.initiatorSessionId(), new RIKeying(0x01020304, skrc, new byte[] {0x58}).toChunk());
    }

    record Received(Chunk chunk, InetSocketAddress from) {
    }

    interface Step {
        void run() throws Exception;
    }

    private static Thread thread(Step s, List<String> problems) {
        Thread t = new Thread(() -> {
            try {
                s.run();
            } catch (Exception e) {
                problems.add(e.toString());
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static Received receive(DatagramSocket s) throws Exception {
        s.setSoTimeout(6000);
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        byte[] d = Arrays.copyOf(p.getData(), p.getLength());
        Chunk c = DatagramCodec.decode(d, CryptoDirection.startup()).packet().chunks().get(0);
        if (c.type() != ChunkType.IHELLO && c.type() != ChunkType.IIKEYING) {
            throw new IllegalStateException("unexpected chunk " + c);
        }
        return new Received(c, (InetSocketAddress) p.getSocketAddress());
    }

    private static void reply(DatagramSocket s, InetSocketAddress to, int sessionId, Chunk c) throws Exception {
        byte[] d = DatagramCodec.encode(sessionId, Packet.of(PacketMode.STARTUP, 1, -1, List.of(c)).encode(),
                CryptoDirection.startup(), 0);
        s.send(new DatagramPacket(d, d.length, to));
    }
}
