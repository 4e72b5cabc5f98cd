package org.nimbus.conformance.tc;

/** The AMF "undefined" value (AMF0 0x06, AMF3 0x00); AMF null is Java null. */
public enum AmfUndefined {
    INSTANCE;

    @Override
    public String toString() {
        return "undefined";
    }
}
