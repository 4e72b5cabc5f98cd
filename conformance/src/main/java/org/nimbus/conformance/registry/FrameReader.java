package org.nimbus.conformance.registry;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The registry's framing (docs/registry-protocol.md, "Transports"): a stream of frames, each a
 * 4-byte big-endian length and that many bytes of JSON. Bytes may arrive in any pieces.
 */
public final class FrameReader {
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    public static byte[] frame(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + b.length).putInt(b.length).put(b).array();
    }

    /** Adds bytes; returns the frame bodies now complete, in order. */
    public List<String> feed(byte[] bytes, int off, int len) {
        pending.write(bytes, off, len);
        List<String> out = new ArrayList<>();
        byte[] all = pending.toByteArray();
        int at = 0;
        while (all.length - at >= 4) {
            long n = ByteBuffer.wrap(all, at, 4).getInt() & 0xffffffffL;
            if (all.length - at - 4 < n) {
                break;
            }
            out.add(new String(all, at + 4, (int) n, StandardCharsets.UTF_8));
            at += 4 + (int) n;
        }
        pending.reset();
        pending.write(all, at, all.length - at);
        return out;
    }
}
