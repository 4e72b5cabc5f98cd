package org.nimbus.introduction;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.nimbus.conformance.crypto.ClientCertificate;
import org.nimbus.conformance.crypto.DhGroup;
import org.nimbus.conformance.crypto.DiffieHellman;
import org.nimbus.conformance.crypto.KeyingComponent;
import org.nimbus.conformance.crypto.NegotiationMode;
import org.nimbus.rtmfp.crypto.JcaCryptoProvider;
import org.nimbus.rtmfp.handshake.EndpointDiscriminator;
import org.nimbus.rtmfp.handshake.IHello;
import org.nimbus.rtmfp.handshake.IIKeying;
import org.nimbus.rtmfp.handshake.RHello;
import org.nimbus.rtmfp.handshake.StartupPackets;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.MalformedException;
import org.nimbus.rtmfp.session.DatagramOutput;
import org.nimbus.rtmfp.session.RtmfpCounters;
import org.nimbus.rtmfp.session.RtmfpEndpoint;
import org.nimbus.rtmfp.session.Session;
import org.nimbus.rtmfp.session.SessionConfig;
import org.nimbus.rtmfp.session.SessionListener;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Introductions with 10 000 sessions registered (BENCHMARKS.md, "Introduction"): one operation is
 * one IHello naming a random registered peer, fed to the endpoint as a datagram; it yields the
 * Redirect to the initiator and the Forwarded IHello sealed in the target's session. Sessions are
 * made by real handshakes (kit certificates and SKICs, the server's DH). The rate limits are set
 * out of reach: this measures the work, not the policy. Not a test: run it through JMH's main.
 */
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class IntroductionBenchmark {
    static final int SESSIONS = 10_000;
    static final int REQUESTS = 65_536;

    @State(Scope.Benchmark)
    public static class Server {
        RtmfpEndpoint endpoint;
        StartupPackets startup;
        byte[][] ihellos = new byte[REQUESTS][];
        InetSocketAddress[] sources = new InetSocketAddress[REQUESTS];
        int next;
        long redirects;
        long forwarded;
        final DatagramOutput toInitiators = (to, d) -> redirects++;
        final DatagramOutput toTargets = (to, d) -> forwarded++;

        @Setup(Level.Trial)
        public void setUp() throws MalformedException {
            JcaCryptoProvider crypto = new JcaCryptoProvider();
            endpoint = new RtmfpEndpoint(crypto, crypto.randomBytes(32), new SessionConfig(SESSIONS * 2, 15_000, 3_600_000,
                    65536, 8), SessionListener.NONE, new RtmfpCounters());
            IntroductionService.install(endpoint, new PeerDirectory(), new IntroductionLimits(1_000_000, 1_000_000, 8));
            startup = new StartupPackets(crypto);
            SecureRandom random = new SecureRandom();
            byte[] ancillary = {0x01, 0x0a};
            List<byte[]> peerIds = new ArrayList<>();
            for (int i = 0; i < SESSIONS; i++) {
                InetSocketAddress from = new InetSocketAddress("10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff), 40_000);
                List<byte[]> replies = new ArrayList<>();
                endpoint.receive(from, startup.seal(0, new IHello(ancillary, crypto.randomBytes(16)).chunk(), 1), (to, d) -> replies.add(d), 1);
                RHello rhello = RHello.decode(startup.open(replies.get(0), 0, replies.get(0).length).packet().chunks().get(0).payload());
                DiffieHellman dh = DiffieHellman.generate(DhGroup.GROUP_2, random);
                byte[] nonce = new byte[64];
                random.nextBytes(nonce);
                IIKeying k = new IIKeying(1 + i, rhello.cookie(), ClientCertificate.encode(List.of(dh)),
                        KeyingComponent.initiator(DhGroup.GROUP_2, nonce, NegotiationMode.OFFERED, 10, NegotiationMode.OFFERED),
                        new byte[] {0x58});
                endpoint.receive(from, startup.seal(0, k.chunk(), 2), toTargets, 2);
                peerIds.add(crypto.sha256(k.certificate()));
            }
            if (endpoint.sessionCount() != SESSIONS) {
                throw new IllegalStateException(endpoint.sessionCount() + " sessions, wanted " + SESSIONS);
            }
            for (int i = 0; i < REQUESTS; i++) {
                byte[] target = peerIds.get(random.nextInt(SESSIONS));
                Chunk c = new IHello(EndpointDiscriminator.forPeer(target), crypto.randomBytes(16)).chunk();
                ihellos[i] = startup.seal(0, c, 3);
                sources[i] = new InetSocketAddress("172.16." + (i >> 8 & 0xff) + "." + (i & 0xff), 50_000);
            }
        }
    }

    /** IHello (fingerprint EPD) in → Redirect and Forwarded IHello out. */
    @Benchmark
    @BenchmarkMode({Mode.Throughput, Mode.SampleTime})
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long introduce(Server s) {
        int i = s.next++ & (REQUESTS - 1);
        long now = 10 + (System.nanoTime() >> 20);
        s.endpoint.receive(s.sources[i], s.ihellos[i], s.toInitiators, now);
        return s.redirects;
    }

    /** A quick check that the bench does what it says: java ... IntroductionBenchmark check */
    public static void main(String[] args) throws Exception {
        Server s = new Server();
        s.setUp();
        IntroductionBenchmark b = new IntroductionBenchmark();
        for (int i = 0; i < 1000; i++) {
            b.introduce(s);
        }
        Session any = s.endpoint.sessions().iterator().next();
        System.out.println("sessions " + s.endpoint.sessionCount() + ", redirects " + s.redirects + ", FIHello packets "
                + s.forwarded + " (" + any.peerIdHex().substring(0, 8) + "...), counters " + s.endpoint.counters().snapshot());
    }
}
