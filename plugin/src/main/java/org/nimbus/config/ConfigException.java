package org.nimbus.config;

/** A configuration problem, with a message that names the key and what it accepts. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
