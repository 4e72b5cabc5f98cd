package org.nimbus.conformance.load;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.nimbus.conformance.client.ConnectOptions;
import org.nimbus.conformance.crypto.DhGroup;
import org.nimbus.conformance.crypto.DiffieHellman;

/**
 * What every load mix needs: the spec, the server's endpoints (the same application over RTMP as
 * {@code rtmp}, or null), the step timeout, the output, and the server's JMX probe when one was
 * asked for (null otherwise; a mix may read the server's CPU over its own measuring window).
 */
record LoadContext(LoadSpec spec, String uri, InetSocketAddress registryTcp, URI registryWs, URI rtmp, Duration timeout,
                   PrintStream out, ServerProbe probe) {
    /**
     * The load's handshakes draw their key pairs with 256-bit exponents (fresh each time: the
     * certificate is the key, and the peer ID its hash), so the kit's own Diffie-Hellman costs a
     * fraction of the full-length keys the clients it mirrors draw (about 6 ms per group-14
     * handshake, which on a 2-core machine starves the server being measured). The server's side
     * is unchanged: it draws and computes its own keys each time.
     */
    static final int LOAD_EXPONENT_BITS = 256;

    ConnectOptions options() {
        ConnectOptions o = ConnectOptions.defaults().timeout(timeout).dhGroup(DhGroup.byId(spec.group()).orElseThrow());
        o.dhKeys = g -> DiffieHellman.generate(g, o.random, LOAD_EXPONENT_BITS);
        return o;
    }
}
