package org.nimbus.rtmfp.bench;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.nimbus.conformance.crypto.ClientCertificate;
import org.nimbus.conformance.crypto.DiffieHellman;
import org.nimbus.conformance.crypto.KeyingComponent;
import org.nimbus.conformance.crypto.NegotiationMode;
import org.nimbus.rtmfp.crypto.CryptoProvider;
import org.nimbus.rtmfp.crypto.DhGroup;
import org.nimbus.rtmfp.crypto.JcaCryptoProvider;
import org.nimbus.rtmfp.handshake.IHello;
import org.nimbus.rtmfp.handshake.IIKeying;
import org.nimbus.rtmfp.handshake.Responder;
import org.nimbus.rtmfp.handshake.StartupPackets;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.DatagramFraming;
import org.nimbus.rtmfp.packet.MalformedException;
import org.nimbus.rtmfp.packet.Packet;
import org.nimbus.rtmfp.packet.PacketHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The RTMFP core's per-packet and per-handshake costs (BENCHMARKS.md, "RTMFP packets and
 * handshakes"). Not a test: run it through JMH's main, as BENCHMARKS.md shows.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RtmfpBenchmark {
    static final int DATAGRAM = 1200;
    static final CryptoProvider CRYPTO = new JcaCryptoProvider();

    /**
     * One direction of a session's framing and the largest datagram within 1200 bytes sealed with
     * it (1188 bytes with the checksum, 1198 with a 10-byte HMAC: whole AES blocks).
     */
    @State(Scope.Thread)
    public static class Packets {
        /** checksum: the Flash/librtmfp default; hmac+ssn: HMAC-SHA256 (10 bytes) and sequence numbers. */
        @Param({"checksum", "hmac+ssn"})
        public String framing;

        DatagramFraming sealer;
        DatagramFraming opener;
        byte[] packet;
        byte[] datagram;
        long ssn = 1_000;

        @Setup(Level.Trial)
        public void setUp() throws MalformedException {
            byte[] aes = CRYPTO.randomBytes(16);
            byte[] mac = CRYPTO.randomBytes(32);
            boolean hmac = framing.equals("hmac+ssn");
            sealer = new DatagramFraming(CRYPTO.aes128Cbc(aes), hmac ? CRYPTO.packetMac(mac, 10) : null, hmac);
            opener = new DatagramFraming(CRYPTO.aes128Cbc(aes), hmac ? CRYPTO.packetMac(mac, 10) : null, hmac);
            int room = sealer.maxPacketSize(DATAGRAM, ssn);
            PacketHeader header = new PacketHeader(PacketHeader.MODE_RESPONDER | PacketHeader.TIMESTAMP, 1234, 0);
            int payload = room - header.size() - Chunk.HEADER_SIZE;
            packet = Packet.of(header, new Chunk(Chunk.USER_DATA, CRYPTO.randomBytes(payload))).encode();
            datagram = sealer.seal(0x01020304, ssn, packet);
            if (datagram.length > DATAGRAM || datagram.length <= DATAGRAM - 16) {
                throw new IllegalStateException("datagram of " + datagram.length + " bytes, wanted the largest within " + DATAGRAM);
            }
            if (opener.open(datagram).packet().chunks().get(0).payload().length != payload) {
                throw new IllegalStateException("round trip lost bytes");
            }
        }
    }

    /** Encrypt and encode: header and chunks → checksum or HMAC, sequence number, AES-CBC, scrambled ID. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public byte[] sealDatagram(Packets p) {
        return p.sealer.seal(0x01020304, p.ssn, p.packet);
    }

    /** Decode and decrypt: HMAC or checksum check, AES-CBC, sequence number, header and chunk parse. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public DatagramFraming.Opened openDatagram(Packets p) throws MalformedException {
        return p.opener.open(p.datagram);
    }

    /**
     * A client's IHello and IIKeying for one DH group (a Flash certificate and SKIC built with the
     * conformance kit's independent code), and the server's responder.
     */
    @State(Scope.Benchmark)
    public static class Handshakes {
        @Param({"2", "14"})
        public int group;

        Responder responder;
        StartupPackets startup;
        byte[] ihelloDatagram;
        byte[] certificate;
        byte[] skic;
        final AtomicInteger ports = new AtomicInteger();
        final AtomicInteger sessionIds = new AtomicInteger();

        @Setup(Level.Trial)
        public void setUp() throws MalformedException {
            responder = Responder.withDefaults(CRYPTO, CRYPTO.randomBytes(32), () -> 1 + (sessionIds.incrementAndGet() & 0x3fffffff));
            startup = new StartupPackets(CRYPTO);
            SecureRandom random = new SecureRandom();
            org.nimbus.conformance.crypto.DhGroup g = org.nimbus.conformance.crypto.DhGroup.byId(group).orElseThrow();
            DiffieHellman dh = DiffieHellman.generate(g, random);
            certificate = ClientCertificate.encode(List.of(dh));
            byte[] nonce = new byte[64];
            random.nextBytes(nonce);
            skic = KeyingComponent.initiator(g, nonce, NegotiationMode.OFFERED, 10, NegotiationMode.OFFERED);
            byte[] epd = {0x07, 0x0a, 'n', 'i', 'm', 'b', 'u', 's'};
            ihelloDatagram = startup.seal(0, new IHello(epd, CRYPTO.randomBytes(16)).chunk(), 0);
            DhGroup.byId(group).orElseThrow(() -> new IllegalStateException("server lacks group " + group));
        }
    }

    /**
     * One whole server-side handshake from datagrams to datagrams: open the IHello, issue the
     * cookie and seal the RHello; open the IIKeying, check the cookie, parse the certificate,
     * generate the server's DH key, compute the shared secret, derive the keys, seal the RIKeying.
     * Each call comes from a new source port, so each gets its own cookie and really keys.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public byte[] serverHandshake(Handshakes h) throws MalformedException {
        InetSocketAddress from = new InetSocketAddress("127.0.0.1", 1024 + (h.ports.incrementAndGet() & 0x7fff));
        long now = System.currentTimeMillis();
        IHello hello = IHello.decode(h.startup.open(h.ihelloDatagram, 0, h.ihelloDatagram.length).packet().chunks().get(0).payload());
        Responder.SendRHello rhello = (Responder.SendRHello) h.responder.onIHello(from, hello, now);
        h.startup.seal(0, rhello.rhello().chunk(), now);
        int initiatorSessionId = 1 + (h.ports.get() & 0x3fffffff);
        byte[] iikeying = h.startup.seal(0, new IIKeying(initiatorSessionId, rhello.rhello().cookie(), h.certificate, h.skic,
                new byte[] {0x58}).chunk(), now);
        IIKeying request = IIKeying.decode(h.startup.open(iikeying, 0, iikeying.length).packet().chunks().get(0).payload());
        Responder.Keyed keyed = (Responder.Keyed) h.responder.onIIKeying(from, request, now);
        if (keyed.retransmission()) {
            throw new IllegalStateException("answered from the retransmission cache: not a full handshake");
        }
        return h.startup.seal(initiatorSessionId, keyed.rikeying().chunk(), now);
    }
}
