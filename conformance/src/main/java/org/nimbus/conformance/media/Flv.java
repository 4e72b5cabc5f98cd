package org.nimbus.conformance.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * FLV files (Adobe FLV specification v10.1, annex E): a 9-byte header, then tags {@code type(1)
 * size(3) timestamp(3) timestamp-extended(1) stream-ID(3) body}, each followed by its
 * previous-tag size. Audio, video and script tags are RTMP's messages 8, 9 and 18.
 */
public final class Flv {
    private Flv() {
    }

    /** The tags of a file; a truncated last tag (a file still being written) is left out. */
    public static List<Sample> read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        if (b.remaining() < 9 || b.get(0) != 'F' || b.get(1) != 'L' || b.get(2) != 'V') {
            throw new IOException(file + " is not an FLV file");
        }
        b.position(b.getInt(5) + 4);
        List<Sample> tags = new ArrayList<>();
        while (b.remaining() >= 11) {
            int type = b.get() & 0x1f;
            int size = u24(b);
            long ts = u24(b) | (long) (b.get() & 0xff) << 24;
            u24(b);
            if (b.remaining() < size + 4) {
                break;
            }
            byte[] body = new byte[size];
            b.get(body);
            b.getInt();
            tags.add(new Sample(type, ts, body));
        }
        return tags;
    }

    private static int u24(ByteBuffer b) {
        return (b.get() & 0xff) << 16 | (b.get() & 0xff) << 8 | (b.get() & 0xff);
    }
}
