package org.nimbus.conformance.load;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.nimbus.conformance.client.ConnectOptions;

/** What every load mix needs: the spec, the server's endpoints, the step timeout, the output. */
record LoadContext(LoadSpec spec, String uri, InetSocketAddress registryTcp, URI registryWs, Duration timeout, PrintStream out) {
    ConnectOptions options() {
        return ConnectOptions.defaults().timeout(timeout);
    }
}
