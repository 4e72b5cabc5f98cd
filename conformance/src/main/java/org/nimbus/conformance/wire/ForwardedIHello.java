package org.nimbus.conformance.wire;

/** RFC 7016 §2.3.3 Forwarded Initiator Hello (0x0f): {@code epdLength | epd | replyAddress | tag}. */
public record ForwardedIHello(byte[] epd, PeerAddress replyAddress, byte[] tag) {
    public static ForwardedIHello decode(byte[] payload) {
        ByteReader r = new ByteReader(payload);
        byte[] epd = r.bytes(r.vluLength());
        PeerAddress reply = PeerAddress.read(r);
        return new ForwardedIHello(epd, reply, r.rest());
    }

    public Chunk toChunk() {
        return new Chunk(ChunkType.FORWARDED_IHELLO,
                new ByteWriter().vluPrefixed(epd).bytes(replyAddress.encode()).bytes(tag).toByteArray());
    }
}
