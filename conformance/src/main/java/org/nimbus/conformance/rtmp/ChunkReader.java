package org.nimbus.conformance.rtmp;

import java.util.HashMap;
import java.util.Map;

/**
 * The receiving side of the RTMP chunk stream (Adobe RTMP specification 1.0, §5.3): bytes are fed
 * in as they arrive, whole messages come out. Push-style, so one thread can drive many
 * connections from a selector; nothing is consumed until a whole chunk is buffered.
 *
 * <ul>
 * <li>§5.3.1.1 basic header: fmt (2 bits) and chunk stream ID; ID 0 means one more byte
 *     (ID - 64), ID 1 two more bytes, little endian (ID - 64); 2 is the control stream.</li>
 * <li>§5.3.1.2 message header: fmt 0 is 11 bytes (timestamp, length, type, message stream ID
 *     little endian), fmt 1 is 7 (timestamp delta, length, type), fmt 2 is 3 (delta), fmt 3 is
 *     none: it takes every value from the preceding chunk of the same chunk stream.</li>
 * <li>§5.3.1.3 extended timestamp: 4 bytes after the message header when the 24-bit field is
 *     0xFFFFFF, and in every fmt 3 chunk of a chunk stream whose last fmt 0/1/2 header had one.</li>
 * <li>§5.4.1 Set Chunk Size and §5.4.2 Abort take effect here, before the next chunk is read.</li>
 * </ul>
 */
public final class ChunkReader {
    /** §5.4.1: the maximum chunk size until a Set Chunk Size says otherwise. */
    public static final int DEFAULT_CHUNK_SIZE = 128;
    /** Largest message accepted: the length field is 24 bits (§5.3.1.2.1). */
    static final int MAX_MESSAGE = 0xffffff;

    /** What one chunk stream remembers from its previous chunk (§5.3.1.2.4). */
    private static final class ChunkStream {
        long timestamp;
        /** The delta a following fmt 3 header that begins a message adds; a fmt 0 header's timestamp acts as one. */
        long delta;
        int length;
        int type;
        long streamId;
        boolean extended;
        byte[] partial;
        int filled;

        boolean inMessage() {
            return partial != null && filled < partial.length;
        }
    }

    private final Map<Integer, ChunkStream> streams = new HashMap<>();
    private byte[] buf = new byte[8192];
    private int start;
    private int end;
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private long bytesFed;

    /** Appends received bytes. */
    public void feed(byte[] b, int off, int len) {
        if (end + len > buf.length) {
            int live = end - start;
            if (live + len > buf.length) {
                byte[] bigger = new byte[Math.max(buf.length * 2, live + len)];
                System.arraycopy(buf, start, bigger, 0, live);
                buf = bigger;
            } else {
                System.arraycopy(buf, start, buf, 0, live);
            }
            start = 0;
            end = live;
        }
        System.arraycopy(b, off, buf, end, len);
        end += len;
        bytesFed += len;
    }

    public void feed(byte[] b) {
        feed(b, 0, b.length);
    }

    /** Every byte fed so far. */
    public long bytesFed() {
        return bytesFed;
    }

    /** The peer's current maximum chunk size. */
    public int chunkSize() {
        return chunkSize;
    }

    /** Bytes fed but not yet consumed (part of a chunk). */
    public int buffered() {
        return end - start;
    }

    /**
     * Reads chunks until one completes a message and returns it, or returns null once the
     * buffered bytes hold no whole chunk more. Set Chunk Size and Abort are applied (and still
     * returned, for the caller's information).
     */
    public RtmpMessage next() throws RtmpProtocolException {
        while (true) {
            int p = start;
            int avail = end - start;
            if (avail < 1) {
                return null;
            }
            int b0 = buf[p] & 0xff;
            int fmt = b0 >>> 6;
            int csid = b0 & 0x3f;
            int basic = 1;
            if (csid == 0) {
                if (avail < 2) {
                    return null;
                }
                csid = (buf[p + 1] & 0xff) + 64;
                basic = 2;
            } else if (csid == 1) {
                if (avail < 3) {
                    return null;
                }
                csid = (buf[p + 1] & 0xff) + ((buf[p + 2] & 0xff) << 8) + 64;
                basic = 3;
            }
            int headerLen = basic + (fmt == 0 ? 11 : fmt == 1 ? 7 : fmt == 2 ? 3 : 0);
            if (avail < headerLen) {
                return null;
            }
            ChunkStream cs = streams.get(csid);
            if (fmt != 0 && cs == null) {
                throw new RtmpProtocolException("chunk stream " + csid + " starts with a fmt " + fmt
                        + " header (§5.3.1.2: the first chunk of a chunk stream is fmt 0)");
            }
            int h = p + basic;
            long field = fmt == 3 ? -1 : u24(h);
            int length = cs == null ? 0 : cs.length;
            int type = cs == null ? 0 : cs.type;
            long streamId = cs == null ? 0 : cs.streamId;
            if (fmt <= 1) {
                length = u24(h + 3);
                type = buf[h + 6] & 0xff;
            }
            if (fmt == 0) {
                // §5.3.1.2.1: the message stream ID is stored little endian
                streamId = (buf[h + 7] & 0xffL) | (buf[h + 8] & 0xffL) << 8 | (buf[h + 9] & 0xffL) << 16
                        | (buf[h + 10] & 0xffL) << 24;
            }
            boolean extended = fmt == 3 ? cs.extended : field == 0xffffff;
            if (extended) {
                if (avail < headerLen + 4) {
                    return null;
                }
                long ext = u32(p + headerLen);
                headerLen += 4;
                if (fmt != 3) {
                    field = ext;
                }
            }
            boolean continuing = cs != null && cs.inMessage();
            if (continuing && fmt != 3) {
                throw new RtmpProtocolException("chunk stream " + csid + ": a fmt " + fmt + " header inside a message ("
                        + cs.filled + " of " + cs.partial.length + " bytes)");
            }
            int remaining = continuing ? cs.partial.length - cs.filled : length;
            int payload = Math.min(remaining, chunkSize);
            if (avail < headerLen + payload) {
                return null;
            }
            // the whole chunk is here: commit
            if (cs == null) {
                cs = new ChunkStream();
                streams.put(csid, cs);
            }
            if (!continuing) {
                switch (fmt) {
                    case 0 -> {
                        cs.timestamp = field;
                        cs.delta = field;
                    }
                    case 1, 2 -> {
                        cs.delta = field;
                        cs.timestamp = (cs.timestamp + field) & 0xffffffffL;
                    }
                    default -> cs.timestamp = (cs.timestamp + cs.delta) & 0xffffffffL;
                }
                if (fmt != 3) {
                    cs.extended = extended;
                }
                cs.length = length;
                cs.type = type;
                cs.streamId = streamId;
                cs.partial = new byte[length];
                cs.filled = 0;
            }
            System.arraycopy(buf, p + headerLen, cs.partial, cs.filled, payload);
            cs.filled += payload;
            start = p + headerLen + payload;
            if (start == end) {
                start = 0;
                end = 0;
            }
            if (cs.filled == cs.partial.length) {
                RtmpMessage m = new RtmpMessage(csid, cs.type, cs.timestamp, cs.streamId, cs.partial);
                cs.partial = null;
                cs.filled = 0;
                control(m);
                return m;
            }
        }
    }

    /** §5.4.1 and §5.4.2 change how the following chunks are read. */
    private void control(RtmpMessage m) throws RtmpProtocolException {
        if (m.chunkStreamId() != 2 || m.streamId() != 0) {
            return; // §5.4: protocol control messages travel on chunk stream 2, message stream 0
        }
        if (m.type() == RtmpMessage.SET_CHUNK_SIZE) {
            if (m.body().length < 4) {
                throw new RtmpProtocolException("Set Chunk Size with " + m.body().length + " bytes");
            }
            // §5.4.1: 31 bits, the first bit MUST be zero; at least 1
            long size = be32(m.body()) & 0x7fffffffL;
            if (size < 1 || size > MAX_MESSAGE) {
                throw new RtmpProtocolException("Set Chunk Size " + size);
            }
            chunkSize = (int) size;
        } else if (m.type() == RtmpMessage.ABORT && m.body().length >= 4) {
            ChunkStream aborted = streams.get((int) be32(m.body()));
            if (aborted != null) {
                aborted.partial = null;
                aborted.filled = 0;
            }
        }
    }

    private int u24(int i) {
        return (buf[i] & 0xff) << 16 | (buf[i + 1] & 0xff) << 8 | (buf[i + 2] & 0xff);
    }

    private long u32(int i) {
        return (buf[i] & 0xffL) << 24 | (buf[i + 1] & 0xffL) << 16 | (buf[i + 2] & 0xffL) << 8 | (buf[i + 3] & 0xffL);
    }

    static long be32(byte[] b) {
        return (b[0] & 0xffL) << 24 | (b[1] & 0xffL) << 16 | (b[2] & 0xffL) << 8 | (b[3] & 0xffL);
    }
}
