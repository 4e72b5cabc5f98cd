package org.nimbus.conformance.wire;

/** RFC 7016 §2.3.4 Responder Hello (0x70): {@code tagLength | tagEcho | cookieLength | cookie | certificate}. */
public record RHello(byte[] tagEcho, byte[] cookie, byte[] certificate) {
    public static RHello decode(byte[] payload) {
        ByteReader r = new ByteReader(payload);
        byte[] tag = r.bytes(r.vluLength());
        byte[] cookie = r.bytes(r.vluLength());
        return new RHello(tag, cookie, r.rest());
    }

    public Chunk toChunk() {
        return new Chunk(ChunkType.RHELLO,
                new ByteWriter().vluPrefixed(tagEcho).vluPrefixed(cookie).bytes(certificate).toByteArray());
    }
}
