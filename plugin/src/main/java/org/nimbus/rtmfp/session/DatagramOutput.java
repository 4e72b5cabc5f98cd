package org.nimbus.rtmfp.session;

import java.net.InetSocketAddress;

/**
 * Where the protocol core puts datagrams it wants sent. The transport edge implements it, bound
 * to the local socket a datagram arrived on, so replies leave from the address the peer used
 * (what NATs and clients expect).
 */
@FunctionalInterface
public interface DatagramOutput {
    void send(InetSocketAddress to, byte[] datagram);
}
