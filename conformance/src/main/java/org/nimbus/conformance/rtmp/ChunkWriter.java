package org.nimbus.conformance.rtmp;

import java.io.ByteArrayOutputStream;

/**
 * The sending side of the RTMP chunk stream (Adobe RTMP specification 1.0, §5.3): each message as
 * one fmt 0 chunk (full header, §5.3.1.2.1) followed by fmt 3 continuation chunks
 * (§5.3.1.2.4), each at most the chunk size this side announced (§5.4.1). A timestamp that does
 * not fit 24 bits goes in the extended timestamp field (§5.3.1.3), repeated in every fmt 3 chunk.
 * A player sends few messages; it gives up header compression for simplicity.
 */
public final class ChunkWriter {
    private int chunkSize = ChunkReader.DEFAULT_CHUNK_SIZE;

    public int chunkSize() {
        return chunkSize;
    }

    /** Call after sending a Set Chunk Size: the following chunks use it. */
    public void chunkSize(int size) {
        if (size < 1 || size > ChunkReader.MAX_MESSAGE) {
            throw new IllegalArgumentException("chunk size " + size);
        }
        chunkSize = size;
    }

    /** The chunks of one message. */
    public byte[] encode(int chunkStreamId, int type, long timestamp, long streamId, byte[] body) {
        if (chunkStreamId < 2 || chunkStreamId > 65599) {
            throw new IllegalArgumentException("chunk stream ID " + chunkStreamId + " (2-65599, §5.3.1.1)");
        }
        if (body.length > ChunkReader.MAX_MESSAGE) {
            throw new IllegalArgumentException("message of " + body.length + " bytes");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 16 + body.length / chunkSize * 5);
        boolean extended = timestamp >= 0xffffff;
        basic(out, 0, chunkStreamId);
        u24(out, extended ? 0xffffff : (int) timestamp);
        u24(out, body.length);
        out.write(type);
        // §5.3.1.2.1: message stream ID little endian
        out.write((int) streamId & 0xff);
        out.write((int) (streamId >> 8) & 0xff);
        out.write((int) (streamId >> 16) & 0xff);
        out.write((int) (streamId >> 24) & 0xff);
        if (extended) {
            u32(out, timestamp);
        }
        int off = 0;
        do {
            if (off > 0) {
                basic(out, 3, chunkStreamId);
                if (extended) {
                    u32(out, timestamp);
                }
            }
            int n = Math.min(chunkSize, body.length - off);
            out.write(body, off, n);
            off += n;
        } while (off < body.length);
        return out.toByteArray();
    }

    /** §5.3.1.1: 1, 2 or 3 bytes. */
    static void basic(ByteArrayOutputStream out, int fmt, int csid) {
        if (csid < 64) {
            out.write(fmt << 6 | csid);
        } else if (csid < 320) {
            out.write(fmt << 6);
            out.write(csid - 64);
        } else {
            out.write(fmt << 6 | 1);
            out.write((csid - 64) & 0xff);
            out.write((csid - 64) >> 8);
        }
    }

    private static void u24(ByteArrayOutputStream out, int v) {
        out.write(v >> 16 & 0xff);
        out.write(v >> 8 & 0xff);
        out.write(v & 0xff);
    }

    private static void u32(ByteArrayOutputStream out, long v) {
        out.write((int) (v >> 24) & 0xff);
        out.write((int) (v >> 16) & 0xff);
        out.write((int) (v >> 8) & 0xff);
        out.write((int) v & 0xff);
    }
}
