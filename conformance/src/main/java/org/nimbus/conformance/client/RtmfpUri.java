package org.nimbus.conformance.client;

import java.net.InetSocketAddress;
import java.net.URI;

/** An {@code rtmfp://host[:port]/path} URI (RFC 7425 §5: default port 1935). */
public record RtmfpUri(String text, String host, int port, String path) {
    public static final int DEFAULT_PORT = 1935;

    public static RtmfpUri parse(String text) {
        URI u = URI.create(text);
        if (!"rtmfp".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("not an rtmfp://host[:port]/path URI: " + text);
        }
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        return new RtmfpUri(text, u.getHost(), u.getPort() < 0 ? DEFAULT_PORT : u.getPort(),
                path.startsWith("/") ? path.substring(1) : path);
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    /** The ancillary-data text of the IHello EPD for a form. */
    public String epdText(EpdForm form) {
        return switch (form) {
            case FULL_URI -> text;
            case PATH -> path;
            case EMPTY -> "";
        };
    }
}
