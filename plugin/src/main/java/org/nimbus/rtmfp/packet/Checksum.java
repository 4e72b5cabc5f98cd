package org.nimbus.rtmfp.packet;

/**
 * The 16-bit ones'-complement checksum that protects a packet when no HMAC was negotiated
 * (RFC 7425 §4.5, the Internet checksum of RFC 1071 over big-endian words). An odd trailing byte
 * is added as the LOW-order byte of a last word, as both reference servers do (rtmfp-cpp
 * in_cksum, MonaBase ComputeChecksum), not as the high-order byte RFC 1071 would use.
 */
public final class Checksum {
    private Checksum() {
    }

    public static int compute(byte[] data, int off, int len) {
        long sum = 0;
        int end = off + len;
        int i = off;
        for (; i + 1 < end; i += 2) {
            sum += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
        }
        if (i < end) {
            sum += data[i] & 0xff;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }
}
