package org.nimbus.conformance.wire;

import java.util.ArrayList;
import java.util.List;

/** RFC 7016 §2.3.5 Responder Redirect (0x71): {@code tagLength | tagEcho | addresses...}. */
public record Redirect(byte[] tagEcho, List<PeerAddress> destinations) {
    public static Redirect decode(byte[] payload) {
        ByteReader r = new ByteReader(payload);
        byte[] tag = r.bytes(r.vluLength());
        List<PeerAddress> out = new ArrayList<>();
        while (r.hasRemaining()) {
            out.add(PeerAddress.read(r));
        }
        return new Redirect(tag, out);
    }

    public Chunk toChunk() {
        ByteWriter w = new ByteWriter().vluPrefixed(tagEcho);
        destinations.forEach(a -> w.bytes(a.encode()));
        return new Chunk(ChunkType.REDIRECT, w.toByteArray());
    }
}
