package org.nimbus.rtmfp.flow;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nimbus.rtmfp.packet.MalformedException;

/** Random bytes into every decoder: a result or MalformedException, nothing else. */
class DecoderFuzzTest {
    interface Decoder {
        Object decode(byte[] b) throws MalformedException;
    }

    private static int run(Decoder d, Random random) {
        int ok = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[random.nextInt(i % 10 == 0 ? 300 : 24)];
            random.nextBytes(b);
            if (i % 3 == 0 && b.length > 0) {
                b[0] &= (byte) 0x7f; // fewer option lists, more deep parses
            }
            try {
                Object r = d.decode(b);
                if (r == null) {
                    fail("null result");
                }
                ok++;
            } catch (MalformedException expected) {
                // fine
            } catch (RuntimeException e) {
                throw new AssertionError("decoder threw " + e + " on " + java.util.HexFormat.of().formatHex(b), e);
            }
        }
        return ok;
    }

    @Test
    void randomBytesOnlyMalformed() throws Exception {
        Random random = new Random(7016);
        UserDataChunk previous = UserDataChunk.decode(new byte[] {0, 1, 1, 0});
        int decoded = 0;
        decoded += run(UserDataChunk::decode, random);
        decoded += run(b -> UserDataChunk.decodeNext(b, previous), random);
        decoded += run(AckChunk::decodeRanges, random);
        decoded += run(AckChunk::decodeBitmap, random);
        decoded += run(BufferProbeChunk::decode, random);
        decoded += run(FlowExceptionChunk::decode, random);
        decoded += run(FlowStart::peek, random);
        assertTrue(decoded > 10_000, "fuzzing should also produce valid chunks: " + decoded);
    }

    /** Decoded random chunks, fed to flows, must not break them either. */
    @Test
    void randomChunksIntoFlows() {
        Random random = new Random(42);
        RecvFlow recv = new RecvFlow(1, new byte[] {1}, java.util.OptionalLong.empty(), 8192);
        CongestionControl cc = new CongestionControl();
        SendFlow send = new SendFlow(1, new byte[] {1}, java.util.OptionalLong.empty(), cc);
        for (int i = 0; i < 20; i++) {
            send.write(new byte[random.nextInt(3000)], 0);
        }
        long now = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] b = new byte[random.nextInt(12)];
            random.nextBytes(b);
            if (b.length > 0) {
                b[0] = 1; // flow 1
            }
            now += random.nextInt(50);
            try {
                AckChunk a = AckChunk.decodeRanges(b);
                send.onAck(a, now);
            } catch (MalformedException expected) {
                // fine
            }
            try {
                byte[] u = b.clone();
                if (u.length > 1) {
                    u[1] = 1;
                }
                UserDataChunk c = UserDataChunk.decode(u);
                recv.onUserData(c, now);
            } catch (MalformedException expected) {
                // fine
            }
            send.assemble(1200, now);
            cc.onTimer(now);
            recv.takeAck(1200);
            recv.takeEvents();
        }
        assertTrue(recv.bufferedBytes() <= 8192 + 64 * 1024, "buffer bounded: " + recv.bufferedBytes());
    }
}
