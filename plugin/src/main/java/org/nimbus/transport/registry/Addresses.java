package org.nimbus.transport.registry;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Address helpers shared by the registry endpoints. */
final class Addresses {
    private Addresses() {
    }

    /** The IP literal the per-address limit counts by. */
    static String ip(SocketAddress a) {
        if (a instanceof InetSocketAddress i && i.getAddress() != null) {
            return i.getAddress().getHostAddress();
        }
        return String.valueOf(a);
    }
}
