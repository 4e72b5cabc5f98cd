package org.nimbus.conformance.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * Data acknowledgement, RFC 7016 §2.3.13 (Bitmap, 0x50) and §2.3.14 (Ranges, 0x51), held as
 * absolute sequence number ranges received beyond the cumulative ack.
 */
public record Ack(long flowId, long bufferBlocksAvailable, long cumulativeAck, List<Range> ranges) {

    /** Sequence numbers {@code first..last} inclusive. */
    public record Range(long first, long last) {
    }

    public static Ack decode(Chunk c) {
        ByteReader r = new ByteReader(c.payload());
        long flow = r.vlu();
        long buffer = r.vlu();
        long cum = r.vlu();
        List<Range> ranges = new ArrayList<>();
        if (c.type() == ChunkType.RANGE_ACK) {
            long next = cum + 1;
            while (r.hasRemaining()) {
                long first = next + r.vlu() + 1;
                long last = first + r.vlu();
                ranges.add(new Range(first, last));
                next = last + 1;
            }
        } else if (c.type() == ChunkType.BITMAP_ACK) {
            // §2.3.13: bit 0 of the first byte stands for cumulativeAck + 2, low bit first.
            long seq = cum + 2;
            long runStart = -1;
            while (r.hasRemaining()) {
                int b = r.u8();
                for (int bit = 0; bit < 8; bit++, seq++) {
                    boolean got = (b & (1 << bit)) != 0;
                    if (got && runStart < 0) {
                        runStart = seq;
                    } else if (!got && runStart >= 0) {
                        ranges.add(new Range(runStart, seq - 1));
                        runStart = -1;
                    }
                }
            }
            if (runStart >= 0) {
                ranges.add(new Range(runStart, seq - 1));
            }
        } else {
            throw new WireFormatException("not an ack chunk");
        }
        return new Ack(flow, buffer, cum, ranges);
    }

    public boolean acknowledges(long seq) {
        if (seq <= cumulativeAck) {
            return true;
        }
        return ranges.stream().anyMatch(rg -> seq >= rg.first && seq <= rg.last);
    }

    /** Encodes as a Range Ack, the form every deployed peer parses (docs/interop.md). */
    public Chunk toChunk() {
        ByteWriter w = new ByteWriter().vlu(flowId).vlu(bufferBlocksAvailable).vlu(cumulativeAck);
        long next = cumulativeAck + 1;
        for (Range rg : ranges) {
            w.vlu(rg.first - next - 1).vlu(rg.last - rg.first);
            next = rg.last + 1;
        }
        return new Chunk(ChunkType.RANGE_ACK, w.toByteArray());
    }
}
