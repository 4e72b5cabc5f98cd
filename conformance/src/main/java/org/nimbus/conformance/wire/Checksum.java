package org.nimbus.conformance.wire;

/**
 * RFC 7425 §4.4 (RFC 1071) 16-bit Internet checksum. A trailing odd byte is added as the
 * low-order byte of the last word, as both deployed server families do (docs/interop.md).
 */
public final class Checksum {
    private Checksum() {
    }

    public static int compute(byte[] b, int offset, int length) {
        long sum = 0;
        int end = offset + length;
        int i = offset;
        for (; i + 1 < end; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if (i < end) {
            sum += b[i] & 0xff;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }
}
