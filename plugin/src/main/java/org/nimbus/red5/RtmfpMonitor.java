package org.nimbus.red5;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.nimbus.rtmfp.session.RtmfpEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator sees of the RTMFP endpoint: the org.nimbus:type=Rtmfp MXBean and one log
 * line a minute with the session count, the bytes held in receive buffers and every counter
 * (drops by reason included).
 */
final class RtmfpMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RtmfpMonitor.class);
    static final String JMX_NAME = "org.nimbus:type=Rtmfp";
    static final String KEYS_JMX_NAME = "org.nimbus:type=Keys";

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nimbus-rtmfp-stats");
        t.setDaemon(true);
        return t;
    });
    private final ObjectName jmxName;
    private final ObjectName keysJmxName;

    RtmfpMonitor(RtmfpEndpoint endpoint, KeysMXBean keys) {
        keysJmxName = Jmx.register(KEYS_JMX_NAME, KeysMXBean.class, keys);
        RtmfpMXBean bean = new RtmfpMXBean() {
            @Override
            public int getSessions() {
                return endpoint.sessionCount();
            }

            @Override
            public long getReceiveBufferedBytes() {
                return endpoint.receiveBufferedBytes();
            }

            @Override
            public java.util.Map<String, Long> getCounters() {
                return endpoint.counters().snapshot();
            }
        };
        jmxName = Jmx.register(JMX_NAME, RtmfpMXBean.class, bean);
        timer.scheduleAtFixedRate(() -> log.info("Nimbus RTMFP: {} sessions, {} bytes in receive buffers, counters {}",
                bean.getSessions(), bean.getReceiveBufferedBytes(), bean.getCounters()), 1, 1, TimeUnit.MINUTES);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        Jmx.unregister(jmxName);
        Jmx.unregister(keysJmxName);
    }
}
