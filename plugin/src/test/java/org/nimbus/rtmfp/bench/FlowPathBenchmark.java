package org.nimbus.rtmfp.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.nimbus.rtmfp.crypto.CryptoProvider;
import org.nimbus.rtmfp.crypto.JcaCryptoProvider;
import org.nimbus.rtmfp.flow.AckChunk;
import org.nimbus.rtmfp.flow.CongestionControl;
import org.nimbus.rtmfp.flow.Fragment;
import org.nimbus.rtmfp.flow.SendFlow;
import org.nimbus.rtmfp.flow.UserDataChunk;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The session's per-fragment work around the framing that {@link RtmfpBenchmark} measures
 * (BENCHMARKS.md, "RTMFP packets and handshakes"): what a send flow's chunks cost on their way
 * into a sealed datagram, and what a received packet's User Data costs on its way to the flow.
 * Not a test: run it through JMH's main, as BENCHMARKS.md shows.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FlowPathBenchmark {
    static final CryptoProvider CRYPTO = new JcaCryptoProvider();
    static final int MESSAGE = 1000;

    /** One send flow whose every fragment is acknowledged at once, so the window never closes. */
    @State(Scope.Thread)
    public static class Sending {
        SendFlow flow;
        DatagramFraming sealer;
        PacketHeader header;
        byte[] message;
        int budget;
        long now;
        long acked;

        @Setup(Level.Iteration)
        public void setUp() {
            flow = new SendFlow(2, new byte[] {'T', 'C', 0x04, 0x00}, OptionalLong.of(1), new CongestionControl());
            sealer = new DatagramFraming(CRYPTO.aes128Cbc(CRYPTO.randomBytes(16)), null, false);
            header = new PacketHeader(PacketHeader.MODE_RESPONDER | PacketHeader.TIMESTAMP, 1234, 0);
            budget = sealer.maxPacketSize(1200, DatagramFraming.NO_SEQUENCE_NUMBER) - header.size();
            message = CRYPTO.randomBytes(MESSAGE);
            now = 1;
            acked = 0;
        }
    }

    /** A decrypted packet holding one User Data chunk of a 1000-byte message fragment. */
    @State(Scope.Thread)
    public static class Receiving {
        byte[] plain;

        @Setup(Level.Trial)
        public void setUp() {
            UserDataChunk u = new UserDataChunk(Fragment.WHOLE, false, false, 2, 5, 1, null, CRYPTO.randomBytes(MESSAGE));
            plain = Packet.of(new PacketHeader(PacketHeader.MODE_INITIATOR | PacketHeader.TIMESTAMP, 1234, 0),
                    new Chunk(Chunk.USER_DATA, u.encode())).encode();
        }
    }

    /**
     * One 1000-byte message written to a flow, assembled into the packet's chunks as
     * Session.flush does, sealed (checksum framing), then acknowledged.
     */
    @Benchmark
    public byte[] sendFragment(Sending s) {
        long now = ++s.now;
        s.flow.write(s.message, now);
        List<Chunk> chunks = new ArrayList<>(s.flow.assemble(s.budget, now));
        if (chunks.size() != 1) {
            throw new IllegalStateException("expected one chunk, got " + chunks.size());
        }
        byte[] datagram = s.sealer.seal(0x01020304, DatagramFraming.NO_SEQUENCE_NUMBER, new Packet(s.header, chunks));
        s.flow.onAck(new AckChunk(2, 1024, ++s.acked, List.of()), now);
        s.flow.takeEvents();
        return datagram;
    }

    /** Packet parse and User Data decode, as Session.onPacket does before the receive flow. */
    @Benchmark
    public UserDataChunk receiveFragment(Receiving r) throws MalformedException {
        Chunk c = Packet.decode(r.plain).chunks().get(0);
        return UserDataChunk.decode(c.type(), c.payloadBuffer(), null);
    }
}
