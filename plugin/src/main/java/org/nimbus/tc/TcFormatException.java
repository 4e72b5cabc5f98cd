package org.nimbus.tc;

/** A TC message that does not decode: the sender gets an error answer, nobody else hears of it. */
public final class TcFormatException extends RuntimeException {
    public TcFormatException(String message) {
        super(message);
    }

    public TcFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
