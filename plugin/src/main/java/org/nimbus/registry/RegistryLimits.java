package org.nimbus.registry;

/**
 * The registry's configurable limits (registry.* in nimbus.properties). Kept as a plain record
 * so the registry does not depend on the config package's parsing.
 */
public record RegistryLimits(int keepaliveSeconds, int frameTimeoutSeconds, int maxFrameBytes,
                             int maxConnectionsPerIp, int maxNames, int maxSubscriptions,
                             int sendRate, int maxTextChars, int acceptRatePerIp) {

    /** The defaults of docs/registry-protocol.md. */
    public static RegistryLimits defaults() {
        return new RegistryLimits(30, 10, 65536, 64, 200_000, 1000, 20, 4096, 64);
    }

    /** A connection silent for longer than this is dropped: 1.5 keepalive periods. */
    public long idleMillis() {
        return keepaliveSeconds * 1500L;
    }

    public long frameTimeoutMillis() {
        return frameTimeoutSeconds * 1000L;
    }
}
