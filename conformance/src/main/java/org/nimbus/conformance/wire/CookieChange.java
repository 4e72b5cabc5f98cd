package org.nimbus.conformance.wire;

/** RFC 7016 §2.3.6 RHello Cookie Change (0x79): {@code oldCookieLength | oldCookie | newCookie}. */
public record CookieChange(byte[] oldCookie, byte[] newCookie) {
    public static CookieChange decode(byte[] payload) {
        ByteReader r = new ByteReader(payload);
        byte[] old = r.bytes(r.vluLength());
        return new CookieChange(old, r.rest());
    }

    public Chunk toChunk() {
        return new Chunk(ChunkType.COOKIE_CHANGE, new ByteWriter().vluPrefixed(oldCookie).bytes(newCookie).toByteArray());
    }
}
