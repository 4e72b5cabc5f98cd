package org.nimbus.rtmfp.session;

import java.net.InetSocketAddress;

/** The protocol core's entry point for datagrams: bytes and a reply path in, no I/O of its own. */
@FunctionalInterface
public interface DatagramReceiver {
    /**
     * Handles one datagram. Must not throw for any input (bad input is dropped and counted).
     *
     * @return true when the source now has session state, so the transport may keep per-peer
     *     resources for it; false for handshake and garbage traffic, which must leave nothing
     *     behind (no memory per unanswered IHello).
     */
    boolean receive(InetSocketAddress from, byte[] datagram, DatagramOutput replies);
}
