package org.nimbus.rtmfp.flow;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Session-wide transmission state shared by all {@link SendFlow}s of one session: RFC 7016
 * §3.5.2 makes congestion control and the retransmission timeout properties of the session,
 * not of a flow. One instance per session; pure state driven by the caller's clock.
 *
 * <ul>
 *   <li>Congestion window: slow start and congestion avoidance as in TCP (RFC 5681), which
 *       §3.5.2 requires RTMFP to be no more aggressive than; halved on loss at most once per
 *       window of data, reduced to {@link #cwndAfterTimeout()} on a timeout.</li>
 *   <li>Loss detection (§3.6.2.4): a fragment is lost when {@value #NAKS_FOR_LOSS} later
 *       transmissions are acknowledged while it is not, or when nothing is acknowledged for
 *       ERTO (§3.6.2.5).</li>
 *   <li>ERTO (§3.5.2.2): SRTT/RTTVAR as in RFC 6298, MRTO = SRTT + 4·RTTVAR + delayed-ack
 *       allowance, ERTO = max(MRTO, 250 ms), 3 s before any sample, backed off by √2 per
 *       timeout up to 10 s.</li>
 * </ul>
 */
public final class CongestionControl {
    public static final int DEFAULT_MSS = 1200;
    public static final long INITIAL_ERTO = 3000;
    public static final long MINIMUM_ERTO = 250;
    public static final long MAXIMUM_ERTO = 10_000;
    /** Receivers may delay an ack this long (§3.6.3.4), so the timeout must allow for it. */
    public static final long DELAYED_ACK_ALLOWANCE = 200;
    static final int NAKS_FOR_LOSS = 3;
    private static final double BACKOFF = Math.sqrt(2);

    private final int mss;
    private long cwnd;
    private long ssthresh = Long.MAX_VALUE;
    private long acknowledgedAccumulator;
    private long outstandingBytes;
    /** Fragments in flight, in TSN order (a retransmission gets a new, higher TSN). */
    private final LinkedHashSet<SendFragment> outstanding = new LinkedHashSet<>();
    private long nextTsn = 1;
    /** Losses of fragments sent at or before this TSN belong to a window already reduced. */
    private long recoveryTsn;

    private double srtt = -1;
    private double rttvar;
    private long erto = INITIAL_ERTO;
    private long timeoutBase = Long.MIN_VALUE;
    private int timeouts;

    public CongestionControl() {
        this(DEFAULT_MSS);
    }

    public CongestionControl(int mss) {
        if (mss < 64) {
            throw new IllegalArgumentException("mss too small: " + mss);
        }
        this.mss = mss;
        this.cwnd = initialWindow();
    }

    /** RFC 5681-style initial window: three segments. */
    public long initialWindow() {
        return 3L * mss;
    }

    public long cwndAfterTimeout() {
        return 2L * mss;
    }

    public int mss() {
        return mss;
    }

    public long cwnd() {
        return cwnd;
    }

    public long ssthresh() {
        return ssthresh;
    }

    /** Bytes of all flows' chunks in flight. */
    public long outstandingBytes() {
        return outstandingBytes;
    }

    /** Effective retransmission timeout in ms. */
    public long erto() {
        return erto;
    }

    /** Smoothed round trip time in ms, or -1 before any sample. */
    public double srtt() {
        return srtt;
    }

    /** Number of retransmission timeouts so far; the session may give up after too many. */
    public int timeouts() {
        return timeouts;
    }

    boolean canSend() {
        return outstandingBytes < cwnd;
    }

    long allocateTsn() {
        return nextTsn++;
    }

    void onSent(SendFragment f, long now) {
        if (outstanding.isEmpty()) {
            timeoutBase = now;
        }
        outstanding.add(f);
        outstandingBytes += f.transmitSize;
    }

    /** Removes an acknowledged (or dropped) fragment from flight. */
    void remove(SendFragment f) {
        if (outstanding.remove(f)) {
            outstandingBytes -= f.transmitSize;
        }
    }

    /**
     * A round-trip measurement, from an acknowledgement of a fragment sent once (Karn) or from
     * the session's timestamp echo (§3.5.2.2). Resets the timeout back-off.
     */
    public void onRttSample(long rttMillis) {
        double r = Math.max(0, rttMillis);
        if (srtt < 0) {
            srtt = r;
            rttvar = r / 2;
        } else {
            rttvar = 0.75 * rttvar + 0.25 * Math.abs(srtt - r);
            srtt = 0.875 * srtt + 0.125 * r;
        }
        long mrto = (long) Math.ceil(srtt + 4 * rttvar) + DELAYED_ACK_ALLOWANCE;
        erto = Math.min(Math.max(mrto, MINIMUM_ERTO), MAXIMUM_ERTO);
    }

    /**
     * After one ack chunk has been applied by a flow: counts naks against fragments sent
     * before the newest one this ack acknowledged, declares the lost ones, and grows or
     * shrinks the window.
     *
     * @param preAckOutstanding session bytes in flight before the ack was applied
     * @param ackedBytes bytes in flight that this ack acknowledged
     * @param maxTsnAcked highest TSN newly acknowledged, 0 if none
     */
    void afterAck(long preAckOutstanding, long ackedBytes, long maxTsnAcked, long now) {
        if (ackedBytes <= 0 && maxTsnAcked == 0) {
            return;
        }
        timeoutBase = now;
        timeouts = 0;
        boolean anyNak = false;
        long lostTsn = 0;
        List<SendFragment> lost = new ArrayList<>();
        Iterator<SendFragment> it = outstanding.iterator();
        while (it.hasNext()) {
            SendFragment f = it.next();
            if (f.tsn >= maxTsnAcked) {
                break;
            }
            f.nakCount++;
            if (!f.sentAbandoned) {
                anyNak = true;
            }
            if (f.nakCount >= NAKS_FOR_LOSS) {
                it.remove();
                outstandingBytes -= f.transmitSize;
                lost.add(f);
                if (!f.sentAbandoned) {
                    lostTsn = Math.max(lostTsn, f.tsn);
                }
            }
        }
        if (lostTsn > recoveryTsn) {
            // one multiplicative decrease per window of data (RFC 5681 §3.2 / RFC 6582 spirit)
            ssthresh = Math.max(preAckOutstanding / 2, initialWindow());
            cwnd = ssthresh;
            acknowledgedAccumulator = 0;
            recoveryTsn = nextTsn - 1;
        } else if (lostTsn == 0 && !anyNak && ackedBytes > 0 && preAckOutstanding + mss >= cwnd) {
            // grow only while the window is what limits sending
            if (cwnd < ssthresh) {
                cwnd += Math.min(ackedBytes, mss);
            } else {
                acknowledgedAccumulator += ackedBytes;
                if (acknowledgedAccumulator >= cwnd) {
                    acknowledgedAccumulator -= cwnd;
                    cwnd += mss;
                }
            }
        }
        for (SendFragment f : lost) {
            f.owner.onLoss(f);
        }
    }

    /** When {@link #onTimer} must run next, or {@code Long.MAX_VALUE} with nothing in flight. */
    public long nextDeadline() {
        return outstanding.isEmpty() ? Long.MAX_VALUE : timeoutBase + erto;
    }

    /**
     * Drives the retransmission timeout (§3.6.2.5): when nothing has been acknowledged for
     * ERTO, every fragment in flight is lost, the window collapses and ERTO backs off.
     * Returns true when a timeout happened.
     */
    public boolean onTimer(long now) {
        if (outstanding.isEmpty() || now < timeoutBase + erto) {
            return false;
        }
        timeouts++;
        ssthresh = Math.max(outstandingBytes / 2, cwndAfterTimeout());
        cwnd = cwndAfterTimeout();
        acknowledgedAccumulator = 0;
        recoveryTsn = nextTsn - 1;
        erto = Math.min((long) Math.ceil(erto * BACKOFF), MAXIMUM_ERTO);
        List<SendFragment> lost = new ArrayList<>(outstanding);
        outstanding.clear();
        outstandingBytes = 0;
        for (SendFragment f : lost) {
            f.owner.onLoss(f);
        }
        timeoutBase = now;
        return true;
    }
}
