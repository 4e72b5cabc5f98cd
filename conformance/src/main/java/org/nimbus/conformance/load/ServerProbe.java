package org.nimbus.conformance.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Locale;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The server JVM's heap and CPU over remote JMX (the standard com.sun.management.jmxremote
 * agent): sampled while the load runs, summarised at the end.
 */
public final class ServerProbe implements AutoCloseable {
    private final String address;
    private final JMXConnector connector;
    private final MBeanServerConnection mbeans;
    private final ObjectName memory = name(ManagementFactory.MEMORY_MXBEAN_NAME);
    private final ObjectName os = name(ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME);
    private final ObjectName threading = name(ManagementFactory.THREAD_MXBEAN_NAME);
    private long startCpuNanos;
    private long startWallNanos;
    private long heapStart;
    private long heapPeak;
    private long heapLast;
    private int processors;

    public ServerProbe(String hostPort) throws IOException {
        this.address = hostPort;
        connector = JMXConnectorFactory.connect(new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + hostPort + "/jmxrmi"));
        mbeans = connector.getMBeanServerConnection();
    }

    private static ObjectName name(String n) {
        try {
            return new ObjectName(n);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalArgumentException(n, e);
        }
    }

    private long heapUsed() throws IOException {
        try {
            return MemoryUsage.from((CompositeData) mbeans.getAttribute(memory, "HeapMemoryUsage")).getUsed();
        } catch (javax.management.JMException e) {
            throw new IOException("JMX heap: " + e, e);
        }
    }

    /**
     * The server's heap in use right after a full collection (MemoryMXBean.gc, i.e. System.gc:
     * a full, stop-the-world GC in G1 unless the server runs with -XX:+ExplicitGCInvokesConcurrent),
     * which is about what its live objects hold.
     */
    public synchronized long heapAfterFullGc() throws IOException {
        try {
            mbeans.invoke(memory, "gc", null, null);
        } catch (javax.management.JMException e) {
            throw new IOException("JMX gc: " + e, e);
        }
        return heapUsed();
    }

    /** Open RTMFP sessions, from a Nimbus server's org.nimbus:type=Rtmfp MXBean; -1 for a server without it. */
    public synchronized int rtmfpSessions() throws IOException {
        try {
            return ((Number) mbeans.getAttribute(name("org.nimbus:type=Rtmfp"), "Sessions")).intValue();
        } catch (javax.management.InstanceNotFoundException | javax.management.AttributeNotFoundException e) {
            return -1;
        } catch (javax.management.JMException e) {
            throw new IOException("JMX Sessions: " + e, e);
        }
    }

    /** Live threads of the server JVM (ThreadMXBean.ThreadCount). */
    public synchronized int threads() throws IOException {
        try {
            return ((Number) mbeans.getAttribute(threading, "ThreadCount")).intValue();
        } catch (javax.management.JMException e) {
            throw new IOException("JMX ThreadCount: " + e, e);
        }
    }

    /** File descriptors the server process holds open (UnixOperatingSystemMXBean); -1 where the JVM does not say. */
    public synchronized long openFileDescriptors() throws IOException {
        try {
            return ((Number) mbeans.getAttribute(os, "OpenFileDescriptorCount")).longValue();
        } catch (javax.management.AttributeNotFoundException e) {
            return -1;
        } catch (javax.management.JMException e) {
            throw new IOException("JMX OpenFileDescriptorCount: " + e, e);
        }
    }

    /** The server JVM's process CPU time so far (OperatingSystemMXBean.ProcessCpuTime), nanoseconds. */
    public synchronized long cpuNanos() throws IOException {
        try {
            return ((Number) mbeans.getAttribute(os, "ProcessCpuTime")).longValue();
        } catch (javax.management.JMException e) {
            throw new IOException("JMX ProcessCpuTime: " + e, e);
        }
    }

    public synchronized void start() throws IOException {
        try {
            processors = ((Number) mbeans.getAttribute(os, "AvailableProcessors")).intValue();
        } catch (javax.management.JMException e) {
            throw new IOException("JMX processors: " + e, e);
        }
        startCpuNanos = cpuNanos();
        startWallNanos = System.nanoTime();
        heapStart = heapUsed();
        heapPeak = heapStart;
        heapLast = heapStart;
    }

    /** One heap sample (call about once a second while the load runs). */
    public synchronized void sample() throws IOException {
        heapLast = heapUsed();
        heapPeak = Math.max(heapPeak, heapLast);
    }

    /** Heap at start, peak and end; CPU over the run, as a share of one core and of all of them. */
    public synchronized String summary() throws IOException {
        sample();
        double cpu = (cpuNanos() - startCpuNanos) / (double) (System.nanoTime() - startWallNanos);
        return String.format(Locale.ROOT, "server (JMX %s): heap used %.1f MB at start, peak %.1f MB, %.1f MB at end; "
                        + "CPU %.0f %% of one core (%.0f %% of its %d)", address, mb(heapStart), mb(heapPeak), mb(heapLast),
                cpu * 100, cpu * 100 / processors, processors);
    }

    /** The processors the server JVM sees (known after {@link #start()}). */
    public synchronized int processors() {
        return processors;
    }

    private static double mb(long bytes) {
        return bytes / 1048576.0;
    }

    @Override
    public void close() throws IOException {
        connector.close();
    }
}
