package org.nimbus.tc;

import org.nimbus.rtmfp.flow.SendFlow;
import org.nimbus.rtmfp.flow.WriteReceipt;

/**
 * Keeps a stream's server-to-client flow bounded when its receiver does not keep up: live audio
 * and video is worth nothing late, so instead of queueing without end the sender abandons and
 * drops it (RFC 7016 §3.6.2.6 lets a sender abandon any message; RFC 7425 §5.1.2 carries each
 * media message as one flow message).
 *
 * <ul>
 * <li>Audio and video get a lifetime ({@link #LIFETIME_MILLIS}): not delivered by then, the
 *     flow abandons them instead of retransmitting.</li>
 * <li>Past half the bound of buffered (unacknowledged) bytes, video inter frames are dropped;
 *     past the bound, all audio and video is. Decoder configurations (sequence headers, a few
 *     bytes the decoder cannot do without) and commands and data always go.</li>
 * <li>Once a video frame was dropped or abandoned, later inter frames cannot be decoded: video
 *     resumes at the next keyframe.</li>
 * </ul>
 * So a flow holds at most the bound plus one message, whatever the receiver does.
 * Loop thread only, like the flow.
 */
final class MediaShedder {
    /** Live media older than this is abandoned: a player buffers less than that. */
    static final long LIFETIME_MILLIS = 3000;

    private final long boundBytes;
    private boolean videoNeedsKeyframe;
    private WriteReceipt lastVideo;
    private long dropped;

    MediaShedder(long boundBytes) {
        this.boundBytes = boundBytes;
    }

    /** Writes the message on the flow unless it is media to shed; true when written. */
    boolean offer(SendFlow flow, TcMessage m, long now) {
        int type = m.type();
        if ((type != TcMessage.AUDIO && type != TcMessage.VIDEO) || isConfiguration(m)) {
            flow.write(m.encode(), now);
            return true;
        }
        long buffered = flow.bufferedBytes();
        if (type == TcMessage.AUDIO) {
            if (buffered >= boundBytes) {
                dropped++;
                return false;
            }
            flow.write(m.encode(), now, LIFETIME_MILLIS);
            return true;
        }
        boolean key = isKeyframe(m);
        if (lastVideo != null && lastVideo.status() == WriteReceipt.Status.ABANDONED) {
            videoNeedsKeyframe = true;
        }
        if (buffered >= boundBytes || (!key && (videoNeedsKeyframe || buffered >= boundBytes / 2))) {
            videoNeedsKeyframe = true;
            dropped++;
            return false;
        }
        if (key) {
            videoNeedsKeyframe = false;
        }
        lastVideo = flow.write(m.encode(), now, LIFETIME_MILLIS);
        return true;
    }

    /** Media messages dropped so far. */
    long dropped() {
        return dropped;
    }

    /**
     * A sequence header (AVC/HEVC/AAC packet type 0, or an enhanced-RTMP SequenceStart), a
     * video info/command frame, or an empty message: small, and never shed.
     */
    static boolean isConfiguration(TcMessage m) {
        byte[] b = m.body();
        if (b.length < 2) {
            return true;
        }
        int first = b[0] & 0xff;
        if (m.type() == TcMessage.VIDEO) {
            if ((first & 0x80) != 0) { // enhanced RTMP: IsExHeader | FrameType(3) | PacketType(4)
                return (first & 0x0f) == 0 || ((first >> 4) & 0x07) == 5;
            }
            int codec = first & 0x0f;
            return ((first >> 4) == 5) || ((codec == 7 || codec == 12) && b[1] == 0);
        }
        int format = first >> 4;
        return (format == 10 && b[1] == 0) || (format == 9 && (first & 0x0f) == 0);
    }

    /** A video keyframe (frame type 1, or 4: a keyframe the server generated). */
    static boolean isKeyframe(TcMessage m) {
        byte[] b = m.body();
        int frameType = b.length == 0 ? 0 : (b[0] & 0x80) != 0 ? (b[0] >> 4) & 0x07 : (b[0] & 0xff) >> 4;
        return frameType == 1 || frameType == 4;
    }
}
