package org.nimbus.conformance.wire;

import java.util.List;

/**
 * RFC 7016 §2.3.11 User Data (0x10): {@code flags | flowID | sequenceNumber | fsnOffset |
 * [options + marker] | data}, and §2.3.12 Next User Data (0x11), which omits the three VLUs
 * and means flow and sequence number + 1 of the previous user data chunk in the same packet.
 */
public record UserData(int flags, long flowId, long sequenceNumber, long fsnOffset, List<Option> options, byte[] data) {
    public static final int FLAG_OPTIONS = 0x80;
    public static final int FRAGMENT_MASK = 0x30;
    public static final int FRAGMENT_WHOLE = 0x00;
    public static final int FRAGMENT_BEGIN = 0x10;
    public static final int FRAGMENT_END = 0x20;
    public static final int FRAGMENT_MIDDLE = 0x30;
    public static final int FLAG_ABANDON = 0x02;
    public static final int FLAG_FINAL = 0x01;

    /** User data option types, RFC 7016 §2.3.11.1. */
    public static final int OPTION_METADATA = 0x00;
    public static final int OPTION_RETURN_ASSOCIATION = 0x0a;

    public static UserData decode(Chunk c, UserData previous) {
        ByteReader r = new ByteReader(c.payload());
        int flags = r.u8();
        long flow;
        long seq;
        long fsnOffset;
        if (c.type() == ChunkType.USER_DATA) {
            flow = r.vlu();
            seq = r.vlu();
            fsnOffset = r.vlu();
        } else if (c.type() == ChunkType.NEXT_USER_DATA) {
            if (previous == null) {
                throw new WireFormatException("Next User Data without a preceding User Data (§2.3.12)");
            }
            flow = previous.flowId;
            seq = previous.sequenceNumber + 1;
            fsnOffset = previous.fsnOffset + 1;
        } else {
            throw new WireFormatException("not a user data chunk");
        }
        List<Option> options = (flags & FLAG_OPTIONS) != 0 ? OptionList.read(r).options() : List.of();
        return new UserData(flags, flow, seq, fsnOffset, options, r.rest());
    }

    public int fragment() {
        return flags & FRAGMENT_MASK;
    }

    public boolean isFinal() {
        return (flags & FLAG_FINAL) != 0;
    }

    public boolean isAbandon() {
        return (flags & FLAG_ABANDON) != 0;
    }

    public long forwardSequenceNumber() {
        return sequenceNumber - fsnOffset;
    }

    public Chunk toChunk() {
        return new Chunk(ChunkType.USER_DATA, body(new ByteWriter().u8(effectiveFlags())
                .vlu(flowId).vlu(sequenceNumber).vlu(fsnOffset)));
    }

    /** Encoding as Next User Data: only valid directly after the chunk for sequenceNumber - 1. */
    public Chunk toNextChunk() {
        return new Chunk(ChunkType.NEXT_USER_DATA, body(new ByteWriter().u8(effectiveFlags())));
    }

    private int effectiveFlags() {
        return options.isEmpty() ? flags & ~FLAG_OPTIONS : flags | FLAG_OPTIONS;
    }

    private byte[] body(ByteWriter w) {
        if (!options.isEmpty()) {
            w.bytes(new OptionList(options, true).encode());
        }
        return w.bytes(data).toByteArray();
    }
}
