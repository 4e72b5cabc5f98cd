package org.nimbus.rtmfp.packet;

/**
 * The outermost layer of RTMFP, RFC 7016 §2.2.1-2.2.3: a UDP payload is a scrambled session ID
 * followed by the encrypted packet. The scrambled ID is the session ID XOR the first two 32-bit
 * words of the ciphertext, which needs at least 8 bytes of ciphertext (one AES block suffices).
 * The receiver unscrambles first to find the session, and with it the keys.
 */
public final class Datagram {
    /** Scrambled session ID plus one AES block. */
    public static final int MIN_SIZE = 4 + 16;
    /**
     * The largest datagram the server sends: the send buffer of the Mona family (Cumulus,
     * MonaServer, librtmfp), under the IPv6 minimum MTU 1280 less 48 bytes of IPv6 and UDP
     * headers. rtmfp-cpp keeps the plaintext packet within 1200 bytes for the same reason.
     */
    public static final int MAX_SEND_SIZE = 1192;
    /** Larger datagrams are dropped unread (rtmfp-cpp's receive buffer). */
    public static final int MAX_RECEIVE_SIZE = 8192;

    private Datagram() {
    }

    /** The session ID a datagram is addressed to. */
    public static int sessionId(byte[] datagram, int off, int len) throws MalformedException {
        if (len < 12 || off < 0 || off + len > datagram.length) {
            throw new MalformedException("datagram too short for a session ID: " + len);
        }
        return readInt(datagram, off) ^ readInt(datagram, off + 4) ^ readInt(datagram, off + 8);
    }

    public static int sessionId(byte[] datagram) throws MalformedException {
        return sessionId(datagram, 0, datagram.length);
    }

    /** Writes the scrambled form of {@code sessionId} into {@code out[0..4]}; the ciphertext must follow. */
    static void scramble(byte[] out, int sessionId) {
        writeInt(out, 0, sessionId ^ readInt(out, 4) ^ readInt(out, 8));
    }

    static int readInt(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    static void writeInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
