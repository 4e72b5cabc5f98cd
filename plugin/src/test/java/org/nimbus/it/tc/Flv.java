package org.nimbus.it.tc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The tags of an FLV file (Adobe FLV specification, annex E): type, timestamp, body. */
record Flv(List<Tag> tags) {
    record Tag(int type, long timestamp, byte[] body) {
    }

    static Flv read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        b.position(b.getInt(5) + 4); // header, then PreviousTagSize0
        List<Tag> tags = new ArrayList<>();
        while (b.remaining() >= 11) {
            int type = b.get() & 0x1f;
            int size = ((b.get() & 0xff) << 16) | ((b.get() & 0xff) << 8) | (b.get() & 0xff);
            long ts = ((b.get() & 0xffL) << 16) | ((b.get() & 0xffL) << 8) | (b.get() & 0xffL) | ((b.get() & 0xffL) << 24);
            b.position(b.position() + 3);
            byte[] body = new byte[size];
            b.get(body);
            b.getInt();
            tags.add(new Tag(type, ts, body));
        }
        return new Flv(tags);
    }

    List<Long> timestamps(int type) {
        return tags.stream().filter(t -> t.type() == type).map(Tag::timestamp).toList();
    }

    static boolean sameBody(Tag t, byte[] body) {
        return Arrays.equals(t.body(), body);
    }
}
