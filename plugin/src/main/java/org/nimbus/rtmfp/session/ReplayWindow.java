package org.nimbus.rtmfp.session;

/**
 * Rejects repeated session sequence numbers (RFC 7425 §4.5.1: with sequence numbers negotiated,
 * a receiver drops a packet whose number it has already seen). Keeps the highest number and a
 * 64-bit window below it; anything older than the window is dropped as well.
 */
final class ReplayWindow {
    private static final int WIDTH = 64;
    private long highest = -1;
    private long seen;

    /** @return true if the number is new (and records it) */
    boolean accept(long sequenceNumber) {
        if (sequenceNumber < 0) {
            return false;
        }
        if (sequenceNumber > highest) {
            long shift = sequenceNumber - highest;
            seen = shift >= WIDTH ? 0 : seen << shift;
            seen |= 1;
            highest = sequenceNumber;
            return true;
        }
        long back = highest - sequenceNumber;
        if (back >= WIDTH) {
            return false;
        }
        long bit = 1L << back;
        if ((seen & bit) != 0) {
            return false;
        }
        seen |= bit;
        return true;
    }
}
