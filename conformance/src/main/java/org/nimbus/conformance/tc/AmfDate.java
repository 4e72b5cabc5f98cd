package org.nimbus.conformance.tc;

/** An AMF0 date (0x0b): milliseconds since the epoch and the (unused) time-zone field. */
public record AmfDate(double millis, int timeZone) {
}
