package org.nimbus.red5;

import java.util.Map;

/** Developer keys in JMX, as org.nimbus:type=Keys. */
public interface KeysMXBean {
    /** Keys in force (0: any key is admitted). */
    int getKeys();

    /** Connects admitted and refused per listed key ("accepted.KEY", "refused.KEY"), all unlisted ones under "refused.(unlisted)". */
    Map<String, Long> getCounters();

    /** Reads tc.keys_file again now; returns the keys in force. */
    int reload();
}
