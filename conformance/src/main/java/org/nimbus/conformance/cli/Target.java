package org.nimbus.conformance.cli;

import java.io.IOException;
import java.time.Duration;
import org.nimbus.conformance.client.ConnectOptions;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.RtmfpUri;

/** The server under test and the limits every case uses. */
public record Target(String uri, Duration timeout) {
    public RtmfpUri parsed() {
        return RtmfpUri.parse(uri);
    }

    /** A fresh client (own UDP socket), so cases do not disturb each other. */
    public RtmfpClient client() throws IOException {
        return new RtmfpClient();
    }

    public ConnectOptions options() {
        return ConnectOptions.defaults().timeout(timeout);
    }
}
