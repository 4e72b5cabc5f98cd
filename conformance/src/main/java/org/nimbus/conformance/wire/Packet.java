package org.nimbus.conformance.wire;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * RFC 7016 §2.2.4 packet (the plaintext after the Flash profile's checksum/SSN, RFC 7425 §4.5):
 * {@code flags | [timestamp(2)] | [timestampEcho(2)] | chunks | padding}.
 * A timestamp or echo of -1 means absent.
 */
public record Packet(boolean timeCritical, boolean timeCriticalReverse, PacketMode mode,
                     int timestamp, int timestampEcho, List<Chunk> chunks, int paddingLength) {

    public static final int FLAG_TIME_CRITICAL = 0x80;
    public static final int FLAG_TIME_CRITICAL_REVERSE = 0x40;
    public static final int FLAG_TIMESTAMP = 0x08;
    public static final int FLAG_TIMESTAMP_ECHO = 0x04;

    public Packet {
        chunks = Collections.unmodifiableList(new ArrayList<>(chunks));
    }

    public static Packet of(PacketMode mode, int timestamp, int timestampEcho, List<Chunk> chunks) {
        return new Packet(false, false, mode, timestamp, timestampEcho, chunks, 0);
    }

    public int flags() {
        return (timeCritical ? FLAG_TIME_CRITICAL : 0) | (timeCriticalReverse ? FLAG_TIME_CRITICAL_REVERSE : 0)
                | (timestamp >= 0 ? FLAG_TIMESTAMP : 0) | (timestampEcho >= 0 ? FLAG_TIMESTAMP_ECHO : 0) | mode.bits;
    }

    /** Header and chunks, without padding (the datagram layer pads to the cipher block). */
    public byte[] encode() {
        ByteWriter w = new ByteWriter().u8(flags());
        if (timestamp >= 0) {
            w.u16(timestamp);
        }
        if (timestampEcho >= 0) {
            w.u16(timestampEcho);
        }
        for (Chunk c : chunks) {
            w.bytes(c.encode());
        }
        return w.toByteArray();
    }

    /**
     * Parses a packet. Chunks end at the end of the bytes or at a 0xff type byte (§2.3.1); a
     * chunk whose length overruns the packet is a format error.
     */
    public static Packet decode(byte[] bytes) {
        ByteReader r = new ByteReader(bytes);
        int flags = r.u8();
        int ts = (flags & FLAG_TIMESTAMP) != 0 ? r.u16() : -1;
        int echo = (flags & FLAG_TIMESTAMP_ECHO) != 0 ? r.u16() : -1;
        List<Chunk> chunks = new ArrayList<>();
        int padding = 0;
        while (r.hasRemaining()) {
            if (r.peek() == ChunkType.PADDING) {
                padding = r.remaining();
                break;
            }
            int type = r.u8();
            int length = r.u16();
            if (length > r.remaining()) {
                throw new WireFormatException("chunk 0x" + Integer.toHexString(type) + " length " + length
                        + " overruns packet");
            }
            chunks.add(new Chunk(type, r.bytes(length)));
        }
        return new Packet((flags & FLAG_TIME_CRITICAL) != 0, (flags & FLAG_TIME_CRITICAL_REVERSE) != 0,
                PacketMode.of(flags), ts, echo, chunks, padding);
    }
}
