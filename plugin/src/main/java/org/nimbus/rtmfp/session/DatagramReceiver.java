package org.nimbus.rtmfp.session;

import java.net.InetSocketAddress;

/** Where the transport delivers datagrams: bytes and a reply path bound to the receiving socket. */
@FunctionalInterface
public interface DatagramReceiver {
    /** Must not throw for any input; bad input is dropped and counted. */
    void receive(InetSocketAddress from, byte[] datagram, DatagramOutput replies);
}
