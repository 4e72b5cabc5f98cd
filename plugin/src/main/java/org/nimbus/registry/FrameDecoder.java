package org.nimbus.registry;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Splits the registry byte stream (4-byte big-endian length, then that many bytes) into frames,
 * whatever the read boundaries. A length above the limit is reported as soon as the 4 length
 * bytes are in, before any of the body is buffered, so memory per connection stays bounded.
 */
public final class FrameDecoder {
    /** Thrown once a frame announces more than the limit; the stream cannot be resynchronised. */
    public static final class FrameTooLargeException extends Exception {
        private static final long serialVersionUID = 1L;
        public final long length;

        FrameTooLargeException(long length) {
            super("frame of " + length + " bytes", null, false, false);
            this.length = length;
        }
    }

    private final int maxFrameBytes;
    private int header;
    private int headerBytes;
    private byte[] body;
    private int bodyFill;

    public FrameDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    /** Consumes all of in, handing each complete frame body to frames in order. */
    public void feed(ByteBuffer in, Consumer<byte[]> frames) throws FrameTooLargeException {
        while (in.hasRemaining()) {
            if (body == null) {
                header = header << 8 | (in.get() & 0xff);
                if (++headerBytes < 4) {
                    continue;
                }
                long length = header & 0xffffffffL;
                headerBytes = 0;
                header = 0;
                if (length > maxFrameBytes) {
                    throw new FrameTooLargeException(length);
                }
                body = new byte[(int) length];
                bodyFill = 0;
            }
            int n = Math.min(in.remaining(), body.length - bodyFill);
            in.get(body, bodyFill, n);
            bodyFill += n;
            if (bodyFill == body.length) {
                byte[] done = body;
                body = null;
                frames.accept(done);
            }
        }
    }

    /** True while some bytes of a frame (length or body) have arrived but not all. */
    public boolean midFrame() {
        return headerBytes > 0 || body != null;
    }
}
