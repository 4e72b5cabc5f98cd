package org.nimbus.conformance.load;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.nimbus.conformance.client.ConnectOptions;

/**
 * What every load mix needs: the spec, the server's endpoints (the same application over RTMP as
 * {@code rtmp}, or null), the step timeout, the output, and the server's JMX probe when one was
 * asked for (null otherwise; a mix may read the server's CPU over its own measuring window).
 */
record LoadContext(LoadSpec spec, String uri, InetSocketAddress registryTcp, URI registryWs, URI rtmp, Duration timeout,
                   PrintStream out, ServerProbe probe) {
    ConnectOptions options() {
        return ConnectOptions.defaults().timeout(timeout)
                .dhGroup(org.nimbus.conformance.crypto.DhGroup.byId(spec.group()).orElseThrow());
    }
}
