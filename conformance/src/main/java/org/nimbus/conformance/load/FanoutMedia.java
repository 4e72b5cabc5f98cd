package org.nimbus.conformance.load;

import java.nio.ByteBuffer;

/**
 * The live stream mix=fanout publishes: a fixed total bit rate (media bodies, the FLV/RTMP payload
 * of each audio and video message, RFC 7425 §5.1.2) split into AAC-like audio at its own bit
 * rate, one 1024-sample frame per 1024/44100 s, and AVC-like video at 25 frames per second with
 * a key frame every second, a key frame {@link #KEY_FACTOR} times the size of the others. Sizes
 * are rounded on the running total, so any whole number of seconds carries the exact rate.
 *
 * <p>Every frame carries a stamp right after its codec headers: {@link #MAGIC}, the frame's
 * number (per media type), and the publisher's {@link System#nanoTime()} when it handed the frame
 * to its session. Players live in the same JVM, so the receipt time minus the stamp is the
 * end-to-end latency through the server, whatever the server does to timestamps.
 */
final class FanoutMedia {
    static final int VIDEO_FPS = 25;
    static final int KEY_EVERY = 25;
    static final int KEY_FACTOR = 2;
    static final int AUDIO_SAMPLES_PER_FRAME = 1024;
    static final int AUDIO_SAMPLE_RATE = 44100;
    /** "NBFO": the stamp's first four bytes. */
    static final int MAGIC = 0x4e42464f;
    static final int STAMP_SIZE = 16;
    /** FLV video tag header (frame type/codec, AVC packet type 1, composition time 0), NALU length, NAL header. */
    static final int VIDEO_HEADER = 5 + 4 + 1;
    /** FLV audio tag header: 0xaf (AAC, 44 kHz, 16 bit, stereo), AAC packet type 1 (raw). */
    static final int AUDIO_HEADER = 2;

    /** One frame of the schedule: its type (0x08/0x09), number, RTMP timestamp, offset from the start, body size. */
    record Frame(int type, int index, long timestampMs, long dueNanos, int size) {
        boolean isKey() {
            return type == 0x09 && index % KEY_EVERY == 0;
        }
    }

    /** What a received frame's stamp says. */
    record Stamp(int index, long sendNanos) {
    }

    private final double videoBytesPerGop;
    private final double audioBytesPerFrame;
    private int nextVideo;
    private int nextAudio;

    /** {@code totalBitsPerSecond} of bodies in all, {@code audioBitsPerSecond} of them audio. */
    FanoutMedia(long totalBitsPerSecond, long audioBitsPerSecond) {
        if (audioBitsPerSecond <= 0 || totalBitsPerSecond <= audioBitsPerSecond) {
            throw new IllegalArgumentException("audio must be a positive part of the total bit rate");
        }
        this.videoBytesPerGop = (totalBitsPerSecond - audioBitsPerSecond) / 8.0 * KEY_EVERY / VIDEO_FPS;
        this.audioBytesPerFrame = audioBitsPerSecond / 8.0 * AUDIO_SAMPLES_PER_FRAME / AUDIO_SAMPLE_RATE;
        if (videoBytesPerGop / (KEY_FACTOR + KEY_EVERY - 1) < VIDEO_HEADER + STAMP_SIZE + 1
                || audioBytesPerFrame < AUDIO_HEADER + STAMP_SIZE + 1) {
            throw new IllegalArgumentException("bit rate too low for stamped frames");
        }
    }

    /** Body size of video frame n: its share of the GOP, key frames KEY_FACTOR shares. */
    int videoSize(int n) {
        int k = n % KEY_EVERY;
        double unit = videoBytesPerGop / (KEY_FACTOR + KEY_EVERY - 1);
        return (int) (Math.round(unitsBefore(k + 1) * unit) - Math.round(unitsBefore(k) * unit));
    }

    private static int unitsBefore(int k) {
        return k == 0 ? 0 : KEY_FACTOR + k - 1;
    }

    /** Body size of audio frame n. */
    int audioSize(int n) {
        return (int) (Math.round((n + 1) * audioBytesPerFrame) - Math.round(n * audioBytesPerFrame));
    }

    static long videoDueNanos(int n) {
        return n * (1_000_000_000L / VIDEO_FPS);
    }

    static long audioDueNanos(int n) {
        return Math.round(n * (AUDIO_SAMPLES_PER_FRAME * 1e9 / AUDIO_SAMPLE_RATE));
    }

    /** The next frame in time order (video first on a tie), as an encoder emits them in real time. */
    Frame next() {
        long v = videoDueNanos(nextVideo);
        long a = audioDueNanos(nextAudio);
        if (v <= a) {
            Frame f = new Frame(0x09, nextVideo, v / 1_000_000L, v, videoSize(nextVideo));
            nextVideo++;
            return f;
        }
        Frame f = new Frame(0x08, nextAudio, a / 1_000_000L, a, audioSize(nextAudio));
        nextAudio++;
        return f;
    }

    /** The frame's body, stamped with the given send time; the rest is filler. */
    static byte[] body(Frame f, long sendNanos) {
        ByteBuffer b = ByteBuffer.allocate(f.size());
        if (f.type() == 0x09) {
            // FLV VIDEODATA (frame type 1 key / 2 inter, codec 7 AVC), AVCVIDEOPACKET type 1 (NALU), CTS 0
            b.put((byte) (f.isKey() ? 0x17 : 0x27)).put((byte) 1).put((byte) 0).put((byte) 0).put((byte) 0);
            // one length-prefixed NAL unit: nal_ref_idc 3 and type 5 (IDR) or 1 (non-IDR)
            b.putInt(f.size() - 9).put((byte) (f.isKey() ? 0x65 : 0x41));
        } else {
            b.put((byte) 0xaf).put((byte) 1);
        }
        b.putInt(MAGIC).putInt(f.index()).putLong(sendNanos);
        while (b.hasRemaining()) {
            b.put((byte) (b.position() * 31));
        }
        return b.array();
    }

    /** The stamp of a received body of the given type, or null when it carries none. */
    static Stamp stamp(int type, byte[] body) {
        int at = type == 0x09 ? VIDEO_HEADER : type == 0x08 ? AUDIO_HEADER : -1;
        if (at < 0 || body.length < at + STAMP_SIZE) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(body, at, STAMP_SIZE);
        if (b.getInt() != MAGIC) {
            return null;
        }
        return new Stamp(b.getInt(), b.getLong());
    }
}
