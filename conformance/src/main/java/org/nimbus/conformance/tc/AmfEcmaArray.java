package org.nimbus.conformance.tc;

/** An AMF0 ECMA array (0x08): associative, kept apart from objects so re-encoding is exact. */
public class AmfEcmaArray extends AmfObject {
}
