package org.nimbus.conformance.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.nimbus.conformance.client.ConnectOptions;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.RtmfpUri;

/**
 * The server under test and the limits every case uses. {@code registryTcp} and
 * {@code registryWs} are the Nimbus registry's endpoints, or null when not given;
 * {@code keepaliveWait} is how long keepalive cases wait for the server's own Ping; {@code rtmp}
 * is the same application over RTMP ({@code rtmp://host:port/app}) for the stream cases that
 * cross to RTMP with ffmpeg, or null; {@code regCgi} the Cirrus samples' peer-ID web service and
 * {@code cirrusKey} the developer key the Cirrus cases connect with.
 */
public record Target(String uri, Duration timeout, InetSocketAddress registryTcp, URI registryWs, Duration keepaliveWait,
                     URI rtmp, URI regCgi, String cirrusKey) {
    /** The developer key the Cirrus cases put in their path when none is given. */
    public static final String DEFAULT_CIRRUS_KEY = "kit-developer-key";

    public Target(String uri, Duration timeout, InetSocketAddress registryTcp, URI registryWs, Duration keepaliveWait, URI rtmp) {
        this(uri, timeout, registryTcp, registryWs, keepaliveWait, rtmp, null, DEFAULT_CIRRUS_KEY);
    }

    public static final Duration DEFAULT_KEEPALIVE_WAIT = Duration.ofSeconds(20);

    public Target(String uri, Duration timeout) {
        this(uri, timeout, null, null, DEFAULT_KEEPALIVE_WAIT, null, null, DEFAULT_CIRRUS_KEY);
    }

    public Target(String uri, Duration timeout, InetSocketAddress registryTcp, URI registryWs, Duration keepaliveWait) {
        this(uri, timeout, registryTcp, registryWs, keepaliveWait, null, null, DEFAULT_CIRRUS_KEY);
    }

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
