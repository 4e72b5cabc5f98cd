package org.nimbus.conformance.wire;

/** RFC 7016 §2.3.2 Initiator Hello (0x30): {@code epdLength VLU | epd | tag}. */
public record IHello(byte[] epd, byte[] tag) {
    public static IHello decode(byte[] payload) {
        ByteReader r = new ByteReader(payload);
        byte[] epd = r.bytes(r.vluLength());
        return new IHello(epd, r.rest());
    }

    public Chunk toChunk() {
        return new Chunk(ChunkType.IHELLO, new ByteWriter().vluPrefixed(epd).bytes(tag).toByteArray());
    }
}
