package org.nimbus.conformance.tc;

/**
 * A value an AMF0 writer sends in AMF3 behind the AVM+ marker 0x11 (AMF0 specification §3.1,
 * AMF3 specification §4.1): how Flash sends arguments when objectEncoding is 3.
 */
public record AvmPlus(Object value) {
}
