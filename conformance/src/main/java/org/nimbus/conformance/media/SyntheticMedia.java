package org.nimbus.conformance.media;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.nimbus.conformance.wire.ByteWriter;

/**
 * A live stream's messages as an encoder publishes them (FLV/RTMP layout, RFC 7425 §5.1.2):
 * an AVC decoder configuration and an AAC one at 0, then video frames every 40 ms (a key frame
 * every second) and AAC frames every 23 ms. The frames carry numbered text instead of coded
 * pictures, so a receiver can tell each one apart; a server relaying live media never decodes
 * them (docs/vectors' captures were made the same way).
 */
public final class SyntheticMedia {
    /** AVCDecoderConfigurationRecord (ISO 14496-15 §5.2.4.1): baseline profile 3.0, one SPS, one PPS. */
    private static final byte[] AVC_CONFIG = {0x01, 0x42, (byte) 0xc0, 0x1e, (byte) 0xff, (byte) 0xe1, 0x00, 0x0b, 0x67,
            0x42, (byte) 0xc0, 0x1e, (byte) 0x95, (byte) 0xa0, (byte) 0xa0, (byte) 0xfd, 0x00, (byte) 0xda, 0x14, 0x01,
            0x00, 0x04, 0x68, (byte) 0xce, 0x3c, (byte) 0x80};
    /** AudioSpecificConfig (ISO 14496-3 §1.6.2.1): AAC LC, 44.1 kHz, stereo. */
    private static final byte[] AAC_CONFIG = {0x12, 0x10};

    private SyntheticMedia() {
    }

    /** {@code seconds} of media: configurations, then frames in timestamp order. */
    public static List<Sample> of(int seconds) {
        List<Sample> out = new ArrayList<>();
        out.add(new Sample(Sample.VIDEO, 0, concat(new byte[] {0x17, 0x00, 0x00, 0x00, 0x00}, AVC_CONFIG)));
        out.add(new Sample(Sample.AUDIO, 0, concat(new byte[] {(byte) 0xaf, 0x00}, AAC_CONFIG)));
        long end = seconds * 1000L;
        int v = 0;
        int a = 0;
        while (true) {
            long vt = v * 40L;
            long at = a * 1024L * 1000 / 44100;
            if (vt >= end && at >= end) {
                break;
            }
            if (vt <= at && vt < end) {
                out.add(new Sample(Sample.VIDEO, vt, video(v)));
                v++;
            } else {
                out.add(new Sample(Sample.AUDIO, at, audio(a)));
                a++;
            }
        }
        return out;
    }

    /** Frame n: a key frame each second (frame type 1, else 2), AVC NALU packet, one length-prefixed NAL unit. */
    private static byte[] video(int n) {
        boolean key = n % 25 == 0;
        byte[] text = String.format("V%06d", n).getBytes(StandardCharsets.US_ASCII);
        ByteWriter w = new ByteWriter().u8(key ? 0x17 : 0x27).u8(0x01).u8(0).u8(0).u8(0);
        // NAL header: nal_ref_idc 3, type 5 (IDR slice) or 1 (non-IDR slice)
        w.u32(text.length + 1).u8(key ? 0x65 : 0x41).bytes(text);
        return w.toByteArray();
    }

    /** AAC raw frame n (sound format 10, 44 kHz, 16 bit, stereo: 0xaf; AAC packet type 1). */
    private static byte[] audio(int n) {
        byte[] text = String.format("A%06d", n).getBytes(StandardCharsets.US_ASCII);
        return new ByteWriter().u8(0xaf).u8(0x01).bytes(text).toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
