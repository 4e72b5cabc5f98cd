package org.nimbus.rtmfp.flow;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.MalformedException;
import org.nimbus.rtmfp.packet.Vlu;

/**
 * A data acknowledgement, RFC 7016 §2.3.13 (bitmap, 0x50) and §2.3.14 (ranges, 0x51), held in
 * one wire-independent shape: every sequence number up to {@code cumulativeAck} is received
 * (or abandoned), plus the listed ranges above it. {@code cumulativeAck + 1} is by definition
 * missing, so the first range starts at {@code cumulativeAck + 2} or later.
 *
 * <p>Nimbus sends ranges only (librtmfp parses a bitmap as ranges, docs/interop.md) but reads
 * both.
 *
 * @param bufferBlocksAvailable receiver's free buffer in 1024-byte blocks (§2.3.13)
 * @param ranges ascending, disjoint, non-adjacent inclusive ranges above cumulativeAck + 1
 */
public record AckChunk(long flowId, long bufferBlocksAvailable, long cumulativeAck, List<Range> ranges) {

    /** §2.3.13: buffer availability is counted in blocks of this many bytes. */
    public static final int BLOCK_SIZE = 1024;

    /** An inclusive range of received sequence numbers. */
    public record Range(long from, long to) {
        public Range {
            if (from > to || from < 0) {
                throw new IllegalArgumentException("bad range " + from + ".." + to);
            }
        }
    }

    public AckChunk {
        if (flowId < 0 || bufferBlocksAvailable < 0 || cumulativeAck < 0) {
            throw new IllegalArgumentException("negative ack field");
        }
        ranges = List.copyOf(ranges);
        long floor = cumulativeAck + 1; // the first hole
        for (Range r : ranges) {
            if (r.from <= floor) {
                throw new IllegalArgumentException("ranges must be ascending with holes: " + ranges);
            }
            floor = r.to + 1;
        }
    }

    public static AckChunk decode(int type, byte[] payload) throws MalformedException {
        return switch (type) {
            case Chunk.ACK_RANGES -> decodeRanges(payload);
            case Chunk.ACK_BITMAP -> decodeBitmap(payload);
            default -> throw new IllegalArgumentException("not an ack chunk type: " + type);
        };
    }

    /** §2.3.14: after the header, pairs of {holesMinusOne, receivedMinusOne} VLUs. */
    public static AckChunk decodeRanges(byte[] payload) throws MalformedException {
        ByteBuffer in = ByteBuffer.wrap(payload);
        long flowId = Vlu.read(in);
        long blocks = Vlu.read(in);
        long cumulative = Vlu.read(in);
        List<Range> ranges = new ArrayList<>();
        long cursor = cumulative;
        while (in.hasRemaining()) {
            long holesMinusOne = Vlu.read(in);
            long receivedMinusOne = Vlu.read(in);
            long from = add(add(cursor, holesMinusOne), 2);
            long to = add(from, receivedMinusOne);
            ranges.add(new Range(from, to));
            cursor = to;
        }
        return new AckChunk(flowId, blocks, cumulative, ranges);
    }

    /**
     * §2.3.13: after the header, bytes whose bits mark cumulativeAck + 2 onward; within each
     * byte the least significant bit is the lowest sequence number.
     */
    public static AckChunk decodeBitmap(byte[] payload) throws MalformedException {
        ByteBuffer in = ByteBuffer.wrap(payload);
        long flowId = Vlu.read(in);
        long blocks = Vlu.read(in);
        long cumulative = Vlu.read(in);
        if (in.hasRemaining() && cumulative > Long.MAX_VALUE - 2 - 8L * in.remaining()) {
            throw new MalformedException("bitmap beyond 63-bit sequence numbers");
        }
        List<Range> ranges = new ArrayList<>();
        long base = cumulative + 2;
        long runStart = -1;
        int index = 0;
        while (in.hasRemaining()) {
            int b = in.get() & 0xff;
            for (int bit = 0; bit < 8; bit++, index++) {
                boolean set = (b & (1 << bit)) != 0;
                long seq = base + index;
                if (set && runStart < 0) {
                    runStart = seq;
                } else if (!set && runStart >= 0) {
                    ranges.add(new Range(runStart, seq - 1));
                    runStart = -1;
                }
            }
        }
        if (runStart >= 0) {
            ranges.add(new Range(runStart, base + index - 1));
        }
        return new AckChunk(flowId, blocks, cumulative, ranges);
    }

    private static long add(long a, long b) throws MalformedException {
        long r = a + b;
        if (r < 0) {
            throw new MalformedException("sequence number overflow in ack");
        }
        return r;
    }

    private int headerSize() {
        return Vlu.size(flowId) + Vlu.size(bufferBlocksAvailable) + Vlu.size(cumulativeAck);
    }

    /** Encodes as ranges (0x51), all ranges included. */
    public byte[] encodeRanges() {
        return encodeRanges(Integer.MAX_VALUE);
    }

    /**
     * Encodes as ranges (0x51) in at most {@code maxPayload} bytes, leaving out the highest
     * ranges that do not fit; §3.6.3.4 allows an ack to report fewer ranges than known.
     * Returns {@code null} when even the header does not fit.
     */
    public byte[] encodeRanges(int maxPayload) {
        int header = headerSize();
        if (header > maxPayload) {
            return null;
        }
        int size = header;
        int count = 0;
        long cursor = cumulativeAck;
        for (Range r : ranges) {
            int pair = Vlu.size(r.from - cursor - 2) + Vlu.size(r.to - r.from);
            if (size + pair > maxPayload) {
                break;
            }
            size += pair;
            count++;
            cursor = r.to;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        Vlu.write(out, flowId);
        Vlu.write(out, bufferBlocksAvailable);
        Vlu.write(out, cumulativeAck);
        cursor = cumulativeAck;
        for (int i = 0; i < count; i++) {
            Range r = ranges.get(i);
            Vlu.write(out, r.from - cursor - 2);
            Vlu.write(out, r.to - r.from);
            cursor = r.to;
        }
        return out.array();
    }

    /** Encodes as a bitmap (0x50). Only for tests and peers known to read it. */
    public byte[] encodeBitmap() {
        long span = ranges.isEmpty() ? 0 : ranges.get(ranges.size() - 1).to - (cumulativeAck + 2) + 1;
        if (span > 8L * 0xffff) {
            throw new IllegalArgumentException("ranges too far apart for a bitmap");
        }
        int bytes = (int) ((span + 7) / 8);
        ByteBuffer out = ByteBuffer.allocate(headerSize() + bytes);
        Vlu.write(out, flowId);
        Vlu.write(out, bufferBlocksAvailable);
        Vlu.write(out, cumulativeAck);
        byte[] bitmap = new byte[bytes];
        long base = cumulativeAck + 2;
        for (Range r : ranges) {
            for (long s = r.from; s <= r.to; s++) {
                int i = (int) (s - base);
                bitmap[i >> 3] |= (byte) (1 << (i & 7));
            }
        }
        out.put(bitmap);
        return out.array();
    }

    public FlowChunk toChunk() {
        return new FlowChunk(Chunk.ACK_RANGES, encodeRanges());
    }

    /** Buffer space the receiver advertised, in bytes (saturating). */
    public long bufferBytesAvailable() {
        return bufferBlocksAvailable > Long.MAX_VALUE / BLOCK_SIZE ? Long.MAX_VALUE : bufferBlocksAvailable * BLOCK_SIZE;
    }
}
