package org.nimbus.rtmfp.flow;

/**
 * The sender's handle on one message written to a {@link SendFlow}: whether it was delivered
 * (every fragment acknowledged) or abandoned (RFC 7016 §3.6.2.6), and a way to abandon it.
 */
public final class WriteReceipt {
    /** Where a message stands. */
    public enum Status { PENDING, DELIVERED, ABANDONED }

    private final long firstSequenceNumber;
    private final long lastSequenceNumber;
    private final long deadline;
    private int unacknowledged;
    private boolean abandoned;

    WriteReceipt(long firstSequenceNumber, long lastSequenceNumber, long deadline) {
        this.firstSequenceNumber = firstSequenceNumber;
        this.lastSequenceNumber = lastSequenceNumber;
        this.deadline = deadline;
        this.unacknowledged = (int) (lastSequenceNumber - firstSequenceNumber + 1);
    }

    public long firstSequenceNumber() {
        return firstSequenceNumber;
    }

    public long lastSequenceNumber() {
        return lastSequenceNumber;
    }

    public Status status() {
        if (abandoned) {
            return Status.ABANDONED;
        }
        return unacknowledged == 0 ? Status.DELIVERED : Status.PENDING;
    }

    /**
     * Gives up on the message: fragments not yet acknowledged are not retransmitted with data
     * and the receiver is told to skip them. No effect once delivered.
     */
    public void abandon() {
        if (unacknowledged > 0) {
            abandoned = true;
        }
    }

    boolean isAbandoned() {
        return abandoned;
    }

    /** Abandons the message if its lifetime ended; true when it is abandoned. */
    boolean abandonIfExpired(long now) {
        if (!abandoned && unacknowledged > 0 && now >= deadline) {
            abandoned = true;
        }
        return abandoned;
    }

    void fragmentAcknowledged() {
        unacknowledged--;
    }
}
