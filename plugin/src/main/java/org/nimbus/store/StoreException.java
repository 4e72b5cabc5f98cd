package org.nimbus.store;

/** The database refused or could not be reached: nothing was stored, and the caller must say so. */
public final class StoreException extends Exception {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
