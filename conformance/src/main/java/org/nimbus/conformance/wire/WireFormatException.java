package org.nimbus.conformance.wire;

/** A received byte string does not follow the RFC 7016 / RFC 7425 syntax. */
public class WireFormatException extends RuntimeException {
    public WireFormatException(String message) {
        super(message);
    }
}
