package org.nimbus.conformance.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** mix=fanout's pure parts: the stream's pacing and sizes, the latency stamp, the summary arithmetic. */
class FanoutMediaTest {
    private static FanoutMedia oneMbit() {
        return new FanoutMedia(FanoutMix.BITS_PER_SECOND, FanoutMix.AUDIO_BITS_PER_SECOND);
    }

    @Test
    void thirtySecondsCarryOneMegabitPerSecond() {
        FanoutMedia m = oneMbit();
        long video = 0;
        long audio = 0;
        int videoFrames = 0;
        int audioFrames = 0;
        long last = -1;
        long seconds = 30;
        for (FanoutMedia.Frame f; (f = m.next()).dueNanos() < seconds * 1_000_000_000L; ) {
            assertTrue(f.dueNanos() >= last, "in time order");
            last = f.dueNanos();
            assertEquals(f.dueNanos() / 1_000_000, f.timestampMs());
            if (f.type() == 0x09) {
                video += f.size();
                videoFrames++;
            } else {
                audio += f.size();
                audioFrames++;
            }
        }
        assertEquals(25 * seconds, videoFrames);
        // (1 000 000 - 64 000) / 8 bytes a second of video: exact over whole GOPs
        assertEquals(117_000 * seconds, video);
        // 44100 / 1024 frames a second: 1292 in 30 s; 8000 bytes a second, within one frame
        assertEquals(1292, audioFrames);
        assertEquals(8000.0 * seconds, audio, 190);
        assertEquals(1_000_000.0, (video + audio) * 8.0 / seconds, 1_000_000 * 0.001);
    }

    @Test
    void keyFramesEverySecondAtTwiceTheSize() {
        FanoutMedia m = oneMbit();
        // 117 000 bytes a GOP in 2 + 24 shares of 4500
        assertEquals(9000, m.videoSize(0));
        assertEquals(4500, m.videoSize(1));
        assertEquals(4500, m.videoSize(24));
        assertEquals(9000, m.videoSize(25));
        assertTrue(new FanoutMedia.Frame(0x09, 50, 2000, 2_000_000_000L, 9000).isKey());
        assertTrue(!new FanoutMedia.Frame(0x09, 51, 2040, 2_040_000_000L, 4500).isKey());
        // 64 kbit/s of 1024-sample frames at 44.1 kHz: 185.76 bytes each, rounded on the running total
        assertEquals(186, m.audioSize(0));
        // round(n × 185.76): 0, 186, 372, 557, 743 → sizes 186, 186, 185, 186
        assertEquals(186, m.audioSize(1));
        assertEquals(185, m.audioSize(2));
        assertEquals(186, m.audioSize(3));
        assertEquals(23_219_955L, FanoutMedia.audioDueNanos(1));
        assertEquals(40_000_000L, FanoutMedia.videoDueNanos(1));
    }

    @Test
    void stampRoundTripsInBothMediaTypes() {
        long t = -123_456_789_012L; // System.nanoTime may be negative
        FanoutMedia.Frame v = new FanoutMedia.Frame(0x09, 25, 1000, 1_000_000_000L, 9000);
        byte[] vb = FanoutMedia.body(v, t);
        assertEquals(9000, vb.length);
        assertEquals(0x17, vb[0] & 0xff, "key frame, AVC");
        assertEquals(1, vb[1], "AVC NALU packet, not a sequence header");
        assertEquals(9000 - 9, java.nio.ByteBuffer.wrap(vb, 5, 4).getInt(), "NALU length covers the rest");
        assertEquals(new FanoutMedia.Stamp(25, t), FanoutMedia.stamp(0x09, vb));
        FanoutMedia.Frame a = new FanoutMedia.Frame(0x08, 7, 162, 162_539_682L, 186);
        byte[] ab = FanoutMedia.body(a, Long.MAX_VALUE);
        assertEquals(0xaf, ab[0] & 0xff);
        assertEquals(new FanoutMedia.Stamp(7, Long.MAX_VALUE), FanoutMedia.stamp(0x08, ab));
    }

    @Test
    void framesWithoutTheStampAreNotCounted() {
        byte[] vb = FanoutMedia.body(new FanoutMedia.Frame(0x09, 1, 40, 40_000_000L, 4500), 5);
        vb[FanoutMedia.VIDEO_HEADER] ^= 1;
        assertNull(FanoutMedia.stamp(0x09, vb), "magic altered");
        assertNull(FanoutMedia.stamp(0x09, new byte[] {0x17, 0x00, 0, 0, 0, 1, 0x42}), "a decoder configuration");
        byte[] ab = FanoutMedia.body(new FanoutMedia.Frame(0x08, 1, 23, 23_000_000L, 186), 5);
        assertNull(FanoutMedia.stamp(0x09, ab), "an audio body read as video");
        assertNull(FanoutMedia.stamp(0x12, ab), "not a media type");
        assertThrows(IllegalArgumentException.class, () -> new FanoutMedia(64_000, 64_000));
        assertThrows(IllegalArgumentException.class, () -> new FanoutMedia(10_000, 1_000));
    }

    @Test
    void tallyCountsDistinctStampedFramesAndRecordsLatency() {
        FanoutMix.Tally t = new FanoutMix.Tally();
        Latency l = new Latency("t");
        long sent = System.nanoTime() - 5_000_000L;
        byte[] v = FanoutMedia.body(new FanoutMedia.Frame(0x09, 3, 120, 120_000_000L, 4500), sent);
        t.frame(0x09, v, l);
        t.frame(0x09, v, l); // a duplicate is one frame
        t.frame(0x08, FanoutMedia.body(new FanoutMedia.Frame(0x08, 3, 69, 69_000_000L, 186), sent), l);
        t.frame(0x09, new byte[] {0x17, 0x00, 0, 0, 0}, l);
        assertEquals(2, t.frames());
        assertEquals(4500 * 2 + 186, t.bytes);
        assertEquals(3, l.histogram().getTotalCount());
        assertTrue(l.histogram().getMinValue() >= 5_000, "latency at least the 5 ms since the stamp, in µs");
    }

    @Test
    void medianAndCpuPerMbit() {
        assertEquals(2.0, FanoutMix.median(new double[] {3, 1, 2}));
        assertEquals(2.5, FanoutMix.median(new double[] {4, 1, 3, 2}));
        assertTrue(Double.isNaN(FanoutMix.median(new double[0])));
        // half a core for 10 s while 20 Mbit/s reach players: 0.025 CPU-s/s per Mbit/s
        assertEquals(0.025, FanoutMix.cpuPerMbit(5_000_000_000L, 10_000_000_000L, 20.0), 1e-12);
    }

    @Test
    void fanoutNeedsTheRtmpUrl() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        LoadRunner runner = new LoadRunner(LoadSpec.parse("sessions=1,rate=1,duration=1s,mix=fanout"), "rtmfp://127.0.0.1:1/live",
                null, null, null, null, Duration.ofMillis(200), new PrintStream(buf, true));
        assertThrows(IllegalArgumentException.class, runner::run);
    }
}
