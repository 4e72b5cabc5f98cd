package org.nimbus.conformance.client;

/**
 * What the IHello endpoint discriminator's ancillary data (RFC 7425 §4, option 0x0a) carries:
 * Flash Player's full connection URI, librtmfp's bare path without the leading slash, or
 * librtmfp's empty value for a one-segment path (docs/interop.md).
 */
public enum EpdForm {
    FULL_URI, PATH, EMPTY
}
