package org.nimbus.transport.registry;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

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

    static String describe(List<InetSocketAddress> addresses) {
        List<String> out = new ArrayList<>();
        for (InetSocketAddress a : addresses) {
            if (a.getAddress().isAnyLocalAddress()) {
                out.add("*:" + a.getPort());
                continue;
            }
            String host = a.getAddress().getHostAddress();
            out.add((host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort());
        }
        return String.join(", ", out);
    }
}
