package org.nimbus.red5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.Test;
import org.nimbus.rtmfp.crypto.JcaCryptoProvider;
import org.nimbus.rtmfp.session.RtmfpCounters;
import org.nimbus.rtmfp.session.RtmfpEndpoint;
import org.nimbus.rtmfp.session.SessionConfig;
import org.nimbus.rtmfp.session.SessionListener;

class RtmfpMonitorTest {

    @Test
    void countersAndSessionsAreReadableThroughJmx() throws Exception {
        RtmfpCounters counters = new RtmfpCounters();
        RtmfpEndpoint endpoint = new RtmfpEndpoint(new JcaCryptoProvider(), new byte[32], SessionConfig.defaults(),
                SessionListener.NONE, counters);
        counters.increment("drop.bad-packet");
        counters.increment("drop.bad-packet");
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(RtmfpMonitor.JMX_NAME);
        try (RtmfpMonitor monitor = new RtmfpMonitor(endpoint, new KeyList(java.util.Set.of(), null))) {
            assertEquals(0, mbs.getAttribute(name, "Sessions"));
            assertEquals(0L, mbs.getAttribute(name, "ReceiveBufferedBytes"));
            TabularData table = (TabularData) mbs.getAttribute(name, "Counters");
            CompositeData row = table.get(new Object[] {"drop.bad-packet"});
            assertEquals(2L, row.get("value"));
        }
        assertFalse(mbs.isRegistered(name));
    }
}
