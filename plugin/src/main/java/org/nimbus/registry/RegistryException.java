package org.nimbus.registry;

/**
 * A refused request: {@link #code()} is the protocol's error code (docs/registry-protocol.md),
 * the message a human-readable reason. Thrown inside the registry, turned into an error frame at
 * the protocol layer; never escapes to a transport.
 */
public final class RegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String code;

    public RegistryException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
