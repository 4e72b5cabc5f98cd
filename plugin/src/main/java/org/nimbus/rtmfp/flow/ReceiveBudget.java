package org.nimbus.rtmfp.flow;

/**
 * A bound on the bytes that receive flows hold awaiting reassembly or delivery (out-of-order
 * fragments included), shared by several flows: a session's flows share the session's budget,
 * which is a {@link #child} of the endpoint's, so one number bounds every session together.
 * A flow charges each fragment it keeps, at the size it counts in its own buffer, and gives it
 * back when the fragment is delivered or discarded, or when the flow is rejected or released.
 *
 * <p>Flow control (RFC 7016 §3.6.3.5): a flow advertises the tightest of its own free buffer and
 * {@link #available()}, and drops unacknowledged what fits nowhere. One exception keeps every
 * transfer moving: the fragment at a flow's next expected sequence number is taken when it lets a
 * message be delivered at once, and, when it only continues a message in progress, by one flow
 * at a time per budget (the <em>overdrawer</em>, until that message is out). A budget is thus
 * exceeded by at most one flow's hard limit ({@link RecvFlow#HARD_LIMIT_FACTOR} times its buffer),
 * and only by data delivered in sequence, never by out-of-order data.
 *
 * <p>The turn is not kept forever: a flow that has held it for {@link #TURN_MILLIS} without
 * getting its message out loses it to the next flow that needs it, and is rejected (its data
 * dropped), so one sender that never finishes a message cannot stall every other flow once the
 * budget is full, and still only one flow at a time is past the budget.
 *
 * <p>Not thread-safe: the endpoint's loop thread charges and releases; {@link #used()} may be read
 * from any thread.
 */
public final class ReceiveBudget {
    private final long limit;
    private final ReceiveBudget parent;
    /** Written by the loop thread only; volatile so monitoring threads read a recent value. */
    private volatile long used;
    private RecvFlow overdrawer;
    private long overdrawSince;
    /** Turns taken from flows that held them too long, under this budget; kept on the top-level one. */
    private long revoked;

    /** How long one flow may hold the right to go past a full budget before another may take it. */
    public static final long TURN_MILLIS = 10_000;

    /** A top-level budget (the endpoint's). */
    public ReceiveBudget(long limit) {
        this(limit, null);
    }

    private ReceiveBudget(long limit, ReceiveBudget parent) {
        if (limit < 0) {
            throw new IllegalArgumentException("negative budget " + limit);
        }
        this.limit = limit;
        this.parent = parent;
    }

    /** A budget whose charges also count against this one (a session's, under the endpoint's). */
    public ReceiveBudget child(long childLimit) {
        return new ReceiveBudget(childLimit, this);
    }

    public long limit() {
        return limit;
    }

    /** Bytes held now under this budget (its children's included). Thread-safe. */
    public long used() {
        return used;
    }

    /** Bytes that may still be taken here and in every budget above; 0 when any is full. */
    public long available() {
        long free = Math.max(0, limit - used);
        return parent == null ? free : Math.min(free, parent.available());
    }

    /** The nearest budget, this one or above, that cannot take {@code bytes} more; null if all can. */
    ReceiveBudget shortOf(long bytes) {
        for (ReceiveBudget b = this; b != null; b = b.parent) {
            if (b.used + bytes > b.limit) {
                return b;
            }
        }
        return null;
    }

    /**
     * Whether {@code flow} may go past every budget that cannot take {@code bytes}: no other flow
     * holds the turn there, or it has held it for {@link #TURN_MILLIS} already.
     */
    boolean mayOverdraw(RecvFlow flow, long bytes, long now) {
        for (ReceiveBudget b = this; b != null; b = b.parent) {
            if (b.used + bytes > b.limit && b.overdrawer != null && b.overdrawer != flow
                    && now - b.overdrawSince < TURN_MILLIS) {
                return false;
            }
        }
        return true;
    }

    /**
     * Makes {@code flow} the overdrawer of every budget that cannot take {@code bytes}; a flow
     * whose turn there expired is rejected first, which gives its bytes back.
     */
    void overdraw(RecvFlow flow, long bytes, long now) {
        for (ReceiveBudget b = this; b != null; b = b.parent) {
            if (b.used + bytes > b.limit && b.overdrawer != flow) {
                RecvFlow expired = b.overdrawer;
                if (expired != null) {
                    top().revoked++;
                    expired.loseTurn(); // clears its turns, this one included
                }
                b.overdrawer = flow;
                b.overdrawSince = now;
            }
        }
    }

    /**
     * How many turns were taken from flows that held them past {@link #TURN_MILLIS}, in this
     * budget's whole tree (counted on the top-level budget). Loop thread only.
     */
    public long revokedTurns() {
        return top().revoked;
    }

    private ReceiveBudget top() {
        ReceiveBudget b = this;
        while (b.parent != null) {
            b = b.parent;
        }
        return b;
    }

    /** Ends {@code flow}'s right to go past the budgets it overdrew. */
    void endOverdraw(RecvFlow flow) {
        for (ReceiveBudget b = this; b != null; b = b.parent) {
            if (b.overdrawer == flow) {
                b.overdrawer = null;
            }
        }
    }

    void charge(long bytes) {
        for (ReceiveBudget b = this; b != null; b = b.parent) {
            b.used += bytes;
        }
    }

    void release(long bytes) {
        for (ReceiveBudget b = this; b != null; b = b.parent) {
            b.used -= bytes;
            if (b.used < 0) {
                throw new IllegalStateException("receive budget released below zero: " + b.used);
            }
        }
    }

    @Override
    public String toString() {
        return "ReceiveBudget[" + used + "/" + limit + (parent == null ? "" : " under " + parent) + "]";
    }
}
