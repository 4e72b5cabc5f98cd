package org.nimbus.rtmfp.flow;

/**
 * When one receive flow owes its acknowledgement (RFC 7016 §3.6.3.4): in the very next packet
 * when urgent (§3.6.3.2: whatever the sender needs to hear quickly), otherwise within
 * {@link RecvFlow#DELAYED_ACK_MILLIS} of the data that made it owed; and the window the last
 * acknowledgement advertised, which decides urgency when it was (almost) closed. Time is the
 * caller's; {@code Long.MIN_VALUE} as a deadline means "now".
 */
final class AckSchedule {
    private boolean pending;
    private boolean urgent;
    private long dueAt = Long.MAX_VALUE;
    /** Blocks advertised in the last ack; starts low so the first data is acknowledged at once. */
    private long advertisedBlocks;

    /** An ack is owed: at once when {@code urgent}, else by the delay after {@code now} (if not owed already). */
    void request(boolean urgent, long now) {
        if (!pending) {
            pending = true;
            dueAt = now == Long.MIN_VALUE ? Long.MIN_VALUE : now + RecvFlow.DELAYED_ACK_MILLIS;
        }
        if (urgent) {
            this.urgent = true;
            dueAt = Long.MIN_VALUE;
        }
    }

    /** An ack is owed in the next packet. */
    void requestNow() {
        request(true, Long.MIN_VALUE);
    }

    /** An ack already owed goes in the next packet; nothing happens when none is owed. */
    void hurry() {
        if (pending) {
            requestNow();
        }
    }

    boolean pending() {
        return pending;
    }

    boolean urgent() {
        return pending && urgent;
    }

    /** The latest time the owed ack may go; {@code Long.MAX_VALUE} if none is owed. */
    long deadline() {
        return pending ? dueAt : Long.MAX_VALUE;
    }

    /** True while the last ack told the sender (almost) no room is left: under 2 blocks. */
    boolean windowWasClosed() {
        return advertisedBlocks < 2;
    }

    /** The ack went out, advertising {@code blocks}; nothing is owed any more. */
    void sent(long blocks) {
        advertisedBlocks = blocks;
        pending = false;
        urgent = false;
        dueAt = Long.MAX_VALUE;
    }
}
