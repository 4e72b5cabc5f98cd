package org.nimbus.rtmfp.packet;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One chunk of an RTMFP packet, RFC 7016 §2.3: {@code type(1) length(2, big-endian) payload}.
 * The type constants name every chunk RFC 7016 §2.3 defines, so that other packages share them.
 * Immutable: the public constructor and {@link #payload()} copy; {@link #wrap} and decoding take a
 * freshly made array without copying, and {@link #write} and {@link #payloadBuffer} read it in
 * place, so a payload is copied only where bytes really move (into a packet, out of a datagram).
 */
public class Chunk {
    public static final int HEADER_SIZE = 3;
    public static final int MAX_PAYLOAD = 0xffff;

    public static final int IGNORE = 0x00;
    public static final int PING = 0x01;
    public static final int SESSION_CLOSE_REQUEST = 0x0c;
    public static final int FORWARDED_IHELLO = 0x0f;
    public static final int USER_DATA = 0x10;
    public static final int NEXT_USER_DATA = 0x11;
    public static final int BUFFER_PROBE = 0x18;
    public static final int IHELLO = 0x30;
    public static final int IIKEYING = 0x38;
    public static final int PING_REPLY = 0x41;
    public static final int SESSION_CLOSE_ACK = 0x4c;
    public static final int ACK_BITMAP = 0x50;
    public static final int ACK_RANGES = 0x51;
    public static final int FLOW_EXCEPTION = 0x5e;
    public static final int RHELLO = 0x70;
    public static final int REDIRECT = 0x71;
    public static final int RIKEYING = 0x78;
    public static final int COOKIE_CHANGE = 0x79;
    public static final int PACKET_FRAGMENT = 0x7f;
    /** Where a chunk type is expected, 0xff starts the padding that ends the packet. */
    public static final int PADDING = 0xff;

    private final int type;
    private final byte[] payload;

    /** A chunk with a copy of payload. */
    public Chunk(int type, byte[] payload) {
        this(type, payload, true);
    }

    /**
     * {@code copy == false} keeps the array itself: only for a payload just encoded or read, which
     * nothing else holds or changes afterwards.
     */
    protected Chunk(int type, byte[] payload, boolean copy) {
        if (type < 0 || type >= PADDING) {
            throw new IllegalArgumentException("chunk type out of range: " + type);
        }
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("chunk payload too long: " + payload.length);
        }
        this.type = type;
        this.payload = copy ? payload.clone() : payload;
    }

    /** A chunk that keeps {@code owned} without copying it: a payload just encoded or read. */
    public static Chunk wrap(int type, byte[] owned) {
        return new Chunk(type, owned, false);
    }

    public int type() {
        return type;
    }

    /** A copy of the payload. */
    public byte[] payload() {
        return payload.clone();
    }

    /** The payload as a read-only buffer, without copying. */
    public ByteBuffer payloadBuffer() {
        return ByteBuffer.wrap(payload).asReadOnlyBuffer();
    }

    public int payloadLength() {
        return payload.length;
    }

    /** Bytes this chunk takes in a packet, header included. */
    public int size() {
        return HEADER_SIZE + payload.length;
    }

    public void write(ByteBuffer out) {
        out.put((byte) type);
        out.putShort((short) payload.length);
        out.put(payload);
    }

    /** Chunks are equal when type and payload are, whatever class built them. */
    @Override
    public final boolean equals(Object o) {
        return o instanceof Chunk other && other.type == type && Arrays.equals(other.payload, payload);
    }

    @Override
    public final int hashCode() {
        return type * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Chunk[" + Integer.toHexString(type) + ": " + HexFormat.of().formatHex(payload) + "]";
    }
}
