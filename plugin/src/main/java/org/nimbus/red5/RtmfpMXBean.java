package org.nimbus.red5;

import java.util.Map;

/** The RTMFP endpoint in JMX, as org.nimbus:type=Rtmfp. */
public interface RtmfpMXBean {
    /** Sessions in the table now (open, or closing). */
    int getSessions();

    /** Every counter since start: drops by reason, handshakes, sessions opened and removed, ... */
    Map<String, Long> getCounters();
}
