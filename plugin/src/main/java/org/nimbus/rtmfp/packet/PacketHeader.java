package org.nimbus.rtmfp.packet;

import java.nio.ByteBuffer;

/**
 * The first bytes of a decrypted RTMFP packet, RFC 7016 §2.2.4: a flags byte, then a 16-bit
 * timestamp and a 16-bit timestamp echo when their flags say so. Timestamps count 4 ms units and
 * wrap at 2^16. A field whose flag is clear is stored as 0 so that equal headers compare equal.
 */
public record PacketHeader(int flags, int timestamp, int timestampEcho) {
    public static final int TIME_CRITICAL = 0x80;
    public static final int TIME_CRITICAL_REVERSE = 0x40;
    public static final int TIMESTAMP = 0x08;
    public static final int TIMESTAMP_ECHO = 0x04;
    public static final int MODE_MASK = 0x03;
    public static final int MODE_INITIATOR = 1;
    public static final int MODE_RESPONDER = 2;
    public static final int MODE_STARTUP = 3;
    /** RFC 7016 §2.2.4: one timestamp tick is 4 milliseconds. */
    public static final int TIMESTAMP_MILLIS = 4;
    public static final int MAX_SIZE = 5;

    public PacketHeader {
        if ((flags & ~0xff) != 0) {
            throw new IllegalArgumentException("flags out of range: " + flags);
        }
        if ((flags & MODE_MASK) == 0) {
            throw new IllegalArgumentException("mode 0 is forbidden");
        }
        timestamp = (flags & TIMESTAMP) != 0 ? checkU16(timestamp) : 0;
        timestampEcho = (flags & TIMESTAMP_ECHO) != 0 ? checkU16(timestampEcho) : 0;
    }

    private static int checkU16(int v) {
        if ((v & ~0xffff) != 0) {
            throw new IllegalArgumentException("timestamp out of range: " + v);
        }
        return v;
    }

    /** Startup packets (handshake, session ID 0 or RIKeying) carry mode 3 and a timestamp: flags 0x0b. */
    public static PacketHeader startup(int timestamp) {
        return new PacketHeader(MODE_STARTUP | TIMESTAMP, timestamp, 0);
    }

    /** The 16-bit timestamp for a clock reading in milliseconds. */
    public static int timestampAt(long millis) {
        return (int) ((millis / TIMESTAMP_MILLIS) & 0xffff);
    }

    public int mode() {
        return flags & MODE_MASK;
    }

    public boolean hasTimestamp() {
        return (flags & TIMESTAMP) != 0;
    }

    public boolean hasTimestampEcho() {
        return (flags & TIMESTAMP_ECHO) != 0;
    }

    public boolean timeCritical() {
        return (flags & TIME_CRITICAL) != 0;
    }

    public boolean timeCriticalReverse() {
        return (flags & TIME_CRITICAL_REVERSE) != 0;
    }

    public int size() {
        return 1 + (hasTimestamp() ? 2 : 0) + (hasTimestampEcho() ? 2 : 0);
    }

    public static PacketHeader read(ByteBuffer in) throws MalformedException {
        if (!in.hasRemaining()) {
            throw new MalformedException("empty packet");
        }
        int flags = in.get() & 0xff;
        if ((flags & MODE_MASK) == 0) {
            throw new MalformedException("packet mode 0");
        }
        int ts = 0;
        int echo = 0;
        if ((flags & TIMESTAMP) != 0) {
            ts = readU16(in);
        }
        if ((flags & TIMESTAMP_ECHO) != 0) {
            echo = readU16(in);
        }
        return new PacketHeader(flags, ts, echo);
    }

    private static int readU16(ByteBuffer in) throws MalformedException {
        if (in.remaining() < 2) {
            throw new MalformedException("truncated packet header");
        }
        return in.getShort() & 0xffff;
    }

    public void write(ByteBuffer out) {
        out.put((byte) flags);
        if (hasTimestamp()) {
            out.putShort((short) timestamp);
        }
        if (hasTimestampEcho()) {
            out.putShort((short) timestampEcho);
        }
    }
}
