package org.nimbus.rtmfp.packet;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A decrypted RTMFP packet, RFC 7016 §2.2.4: header, then chunks until the end or until a 0xff
 * byte where a chunk type would start (the padding the encryption layer adds). A chunk that runs
 * past the end, or a partial chunk header that is not padding, makes the packet malformed.
 */
public record Packet(PacketHeader header, List<Chunk> chunks) {

    public Packet {
        chunks = List.copyOf(chunks);
    }

    public static Packet of(PacketHeader header, Chunk... chunks) {
        return new Packet(header, List.of(chunks));
    }

    public int size() {
        int n = header.size();
        for (Chunk c : chunks) {
            n += c.size();
        }
        return n;
    }

    /** Header and chunks, without padding. */
    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(size());
        header.write(out);
        for (Chunk c : chunks) {
            c.write(out);
        }
        return out.array();
    }

    /** Decodes from the buffer's position to its limit (padding included). */
    public static Packet decode(ByteBuffer in) throws MalformedException {
        PacketHeader header = PacketHeader.read(in);
        List<Chunk> chunks = new ArrayList<>(4);
        while (in.hasRemaining()) {
            int type = in.get(in.position()) & 0xff;
            if (type == Chunk.PADDING) {
                break;
            }
            if (in.remaining() < Chunk.HEADER_SIZE) {
                throw new MalformedException("truncated chunk header");
            }
            in.get();
            int length = in.getShort() & 0xffff;
            if (length > in.remaining()) {
                throw new MalformedException("chunk 0x" + Integer.toHexString(type) + " length " + length
                        + " exceeds " + in.remaining());
            }
            byte[] payload = new byte[length];
            in.get(payload);
            chunks.add(Chunk.wrap(type, payload));
        }
        return new Packet(header, chunks);
    }

    public static Packet decode(byte[] bytes) throws MalformedException {
        return decode(ByteBuffer.wrap(bytes));
    }
}
