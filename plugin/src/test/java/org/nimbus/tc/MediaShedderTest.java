package org.nimbus.tc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.nimbus.rtmfp.flow.AckChunk;
import org.nimbus.rtmfp.flow.CongestionControl;
import org.nimbus.rtmfp.flow.SendFlow;

/** What the shedder lets onto a stream flow as its unacknowledged bytes grow and drain. */
class MediaShedderTest {
    private static final int BOUND = 10_000;

    private final SendFlow flow = new SendFlow(3, TcMetadata.forStream(1), OptionalLong.empty(), new CongestionControl());
    private final MediaShedder shedder = new MediaShedder(BOUND);

    static TcMessage video(int frameType, int size) {
        byte[] b = new byte[size];
        b[0] = (byte) (frameType << 4 | 7);
        b[1] = 1;
        return new TcMessage(TcMessage.VIDEO, 0, b);
    }

    static TcMessage audio(int size) {
        byte[] b = new byte[size];
        b[0] = (byte) 0xaf;
        b[1] = 1;
        return new TcMessage(TcMessage.AUDIO, 0, b);
    }

    private boolean offer(TcMessage m) {
        long before = flow.bufferedBytes();
        boolean written = shedder.offer(flow, m, 0);
        assertEquals(written, flow.bufferedBytes() > before);
        return written;
    }

    /** The receiver acknowledges everything written so far. */
    private void ackAll() {
        flow.assemble(1 << 20, 0);
        flow.onAck(new AckChunk(3, 64, 1_000_000, List.of()), 1);
    }

    @Test
    void shedsInterFramesPastHalfTheBoundAndAllMediaPastItButNeverConfigurationOrCommands() {
        assertTrue(offer(video(1, 3000)));
        assertTrue(offer(video(2, 3000)));
        assertFalse(offer(video(2, 100)), "past half the bound: inter frame dropped");
        assertTrue(offer(audio(500)), "audio goes until the bound");
        assertTrue(offer(video(1, 4000)), "a keyframe goes until the bound");
        assertTrue(flow.bufferedBytes() >= BOUND);
        assertFalse(offer(audio(10)));
        assertFalse(offer(video(1, 10)));
        byte[] avcConfig = {0x17, 0, 0, 0, 0, 1, 2};
        assertTrue(offer(new TcMessage(TcMessage.VIDEO, 0, avcConfig)), "sequence header");
        assertTrue(offer(new TcMessage(TcMessage.AUDIO, 0, new byte[] {(byte) 0xaf, 0, 0x12, 0x10})), "AAC config");
        assertTrue(offer(TcCommand.encode("onStatus", 0, null, "x")));
        assertTrue(offer(new TcMessage(TcMessage.DATA_AMF0, 0, new byte[50])));
        assertEquals(3, shedder.dropped());

        ackAll();
        assertEquals(0, flow.bufferedBytes());
        assertFalse(offer(video(2, 100)), "the keyframe before was dropped: inter frames wait for the next one");
        assertTrue(offer(audio(100)));
        assertTrue(offer(video(1, 1000)));
        assertTrue(offer(video(2, 100)));
        assertTrue(offer(video(3, 100)), "disposable inter frame");
    }

    @Test
    void videoResumesAtAKeyframeAfterAFrameWasAbandoned() {
        assertTrue(offer(video(1, 500)));
        assertTrue(offer(video(2, 500)));
        // nothing acknowledged within the lifetime: the flow abandons both (RFC 7016 §3.6.2.6)
        flow.assemble(1200, MediaShedder.LIFETIME_MILLIS + 1);
        assertFalse(offer(video(2, 500)), "cannot be decoded without the abandoned frames");
        assertTrue(offer(audio(100)), "audio does not depend on earlier messages");
        assertTrue(offer(video(1, 500)));
        assertTrue(offer(video(2, 500)));
    }

    @Test
    void configurationIsRecognisedInEveryLayout() {
        assertTrue(MediaShedder.isConfiguration(new TcMessage(TcMessage.VIDEO, 0, new byte[0])));
        assertTrue(MediaShedder.isConfiguration(new TcMessage(TcMessage.VIDEO, 0, new byte[] {0x1c, 0, 0})), "HEVC");
        assertTrue(MediaShedder.isConfiguration(new TcMessage(TcMessage.VIDEO, 0, new byte[] {0x50, 0})), "info frame");
        // enhanced RTMP: IsExHeader | keyframe | SequenceStart, FourCC
        assertTrue(MediaShedder.isConfiguration(new TcMessage(TcMessage.VIDEO, 0, new byte[] {(byte) 0x90, 'h', 'v', 'c', '1'})));
        assertFalse(MediaShedder.isConfiguration(new TcMessage(TcMessage.VIDEO, 0, new byte[] {(byte) 0x91, 'h', 'v', 'c', '1'})));
        assertTrue(MediaShedder.isKeyframe(new TcMessage(TcMessage.VIDEO, 0, new byte[] {(byte) 0x91, 'h', 'v', 'c', '1'})));
        assertFalse(MediaShedder.isKeyframe(video(2, 10)));
        assertFalse(MediaShedder.isConfiguration(video(1, 10)));
        assertFalse(MediaShedder.isConfiguration(audio(10)));
        assertFalse(MediaShedder.isConfiguration(new TcMessage(TcMessage.AUDIO, 0, new byte[] {0x2f, 0, 0})), "MP3 has no header");
    }
}
