package org.nimbus.red5;

import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Registers Nimbus's MXBeans in the platform MBean server (where Red5's own beans live too). */
final class Jmx {
    private static final Logger log = LoggerFactory.getLogger(Jmx.class);

    private Jmx() {
    }

    /** Registers the bean, replacing a stale one of a previous start; null if JMX refused it. */
    static <T> ObjectName register(String name, Class<T> type, T bean) {
        try {
            MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
            ObjectName on = new ObjectName(name);
            if (mbs.isRegistered(on)) {
                mbs.unregisterMBean(on);
            }
            mbs.registerMBean(new StandardMBean(bean, type, true), on);
            return on;
        } catch (Exception e) {
            log.warn("MBean {} not registered: {}", name, e.toString());
            return null;
        }
    }

    static void unregister(ObjectName name) {
        if (name == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (Exception e) {
            // already gone
        }
    }
}
