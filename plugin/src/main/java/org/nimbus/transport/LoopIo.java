package org.nimbus.transport;

/**
 * The I/O the {@link RtmfpLoop} thread drives itself: it reads what has arrived without
 * blocking, and sleeps until more arrives, a timer is due, or another thread hands it a task.
 */
public interface LoopIo {
    /** Hands up to {@code max} datagrams that have already arrived to {@code to}; never blocks. */
    int drain(int max, Inbox to);

    /** Waits up to {@code millis} for a datagram or a {@link #wakeup}. */
    void await(long millis);

    /** Ends a current or the next {@link #await} at once; any thread may call it. */
    void wakeup();
}
