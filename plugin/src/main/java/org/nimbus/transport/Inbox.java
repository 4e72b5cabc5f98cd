package org.nimbus.transport;

import java.net.InetSocketAddress;
import org.nimbus.rtmfp.session.DatagramOutput;

/**
 * Where the UDP edge hands datagrams: the loop thread. {@code settled} runs once the datagram has
 * been handled (its replies written) or dropped, so the edge releases per-address state only
 * after every reply to it has been queued.
 */
@FunctionalInterface
public interface Inbox {
    /** Must not throw for any input. */
    void offer(InetSocketAddress from, byte[] datagram, DatagramOutput replies, Runnable settled);
}
