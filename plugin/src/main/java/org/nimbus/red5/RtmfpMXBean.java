package org.nimbus.red5;

import java.util.Map;

/** The RTMFP endpoint in JMX, as org.nimbus:type=Rtmfp. */
public interface RtmfpMXBean {
    /** Sessions in the table now (open, or closing). */
    int getSessions();

    /**
     * Bytes the receive flows of all sessions hold now, awaiting reassembly or delivery; bounded
     * by rtmfp.receive_buffer_total_bytes (drops over it are the drop.recv-* counters).
     */
    long getReceiveBufferedBytes();

    /** Every counter since start: drops by reason, handshakes, sessions opened and removed, ... */
    Map<String, Long> getCounters();
}
