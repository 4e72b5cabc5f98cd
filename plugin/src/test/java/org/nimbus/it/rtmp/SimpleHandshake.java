package org.nimbus.it.rtmp;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

/**
 * The client side of the RTMP "simple" handshake: C0 (version 3) and C1 (time, four zero bytes,
 * random); the server answers S0 S1 S2, where S2 must echo C1; C2 echoes S1. The zero version
 * bytes at C1[4..7] are what make Red5 take its un-versioned path instead of expecting the
 * Flash Player 9 digest scheme (OutboundHandshake, which only red5-client has).
 */
final class SimpleHandshake {
    static final byte VERSION = 3;
    static final int SIZE = 1536;

    private final byte[] c1 = new byte[SIZE];

    SimpleHandshake(Random random) {
        random.nextBytes(c1);
        Arrays.fill(c1, 0, 8, (byte) 0); // time 0, version 0.0.0.0
    }

    /** C0 and C1, sent together. */
    byte[] c0c1() {
        byte[] out = new byte[1 + SIZE];
        out[0] = VERSION;
        System.arraycopy(c1, 0, out, 1, SIZE);
        return out;
    }

    /** Checks the server's S0 S1 S2 (1 + 2 × 1536 bytes) and returns C2. */
    byte[] c2(byte[] s0s1s2) throws IOException {
        if (s0s1s2.length != 1 + 2 * SIZE) {
            throw new IOException("handshake answer of " + s0s1s2.length + " bytes");
        }
        if (s0s1s2[0] != VERSION) {
            throw new IOException("server speaks RTMP version " + s0s1s2[0]);
        }
        if (!Arrays.equals(s0s1s2, 1 + SIZE, 1 + 2 * SIZE, c1, 0, SIZE)) {
            throw new IOException("S2 does not echo C1");
        }
        return Arrays.copyOfRange(s0s1s2, 1, 1 + SIZE);
    }
}
