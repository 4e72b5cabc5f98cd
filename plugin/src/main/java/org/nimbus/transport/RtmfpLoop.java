package org.nimbus.transport;

import java.net.InetSocketAddress;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.nimbus.rtmfp.session.DatagramOutput;
import org.nimbus.rtmfp.session.RtmfpCounters;
import org.nimbus.rtmfp.session.RtmfpEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the RTMFP endpoint: datagrams from the transport, tasks from the
 * layers above (Red5 threads that want to send) and the endpoint's timers all run here, so the
 * protocol core needs no locks. Incoming datagrams wait in a bounded queue: under a flood the
 * excess is dropped and counted instead of growing the heap.
 */
public final class RtmfpLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RtmfpLoop.class);
    private static final int DATAGRAM_QUEUE = 16_384;

    private record Inbound(InetSocketAddress from, byte[] data, DatagramOutput replies, Runnable settled) {
    }

    private final RtmfpEndpoint endpoint;
    private final RtmfpCounters counters;
    private final ArrayBlockingQueue<Inbound> datagrams = new ArrayBlockingQueue<>(DATAGRAM_QUEUE);
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final long origin = System.nanoTime();
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    public RtmfpLoop(RtmfpEndpoint endpoint) {
        this.endpoint = endpoint;
        this.counters = endpoint.counters();
        this.thread = new Thread(this::run, "nimbus-rtmfp");
        this.thread.setDaemon(true);
    }

    public RtmfpLoop start() {
        thread.start();
        return this;
    }

    /** Monotonic milliseconds, the endpoint's only clock. */
    public long now() {
        return (System.nanoTime() - origin) / 1_000_000 + 1;
    }

    public RtmfpEndpoint endpoint() {
        return endpoint;
    }

    /**
     * From the transport thread: queue a datagram, or drop it when the loop is saturated.
     * {@code settled} runs after the endpoint has handled it, or at once when it is dropped.
     */
    public void offer(InetSocketAddress from, byte[] data, DatagramOutput replies, Runnable settled) {
        if (!datagrams.offer(new Inbound(from, data, replies, settled))) {
            counters.increment("drop.overload");
            settled.run();
            return;
        }
        LockSupport.unpark(thread);
    }

    /** Runs a task on the loop thread (never dropped). */
    public void execute(Runnable task) {
        tasks.add(task);
        LockSupport.unpark(thread);
    }

    /** Runs a computation on the loop thread (where sessions may be read) and hands back its result. */
    public <T> CompletableFuture<T> submit(Callable<T> computation) {
        CompletableFuture<T> result = new CompletableFuture<>();
        execute(() -> {
            try {
                result.complete(computation.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    private void run() {
        try {
            while (running) {
                boolean worked = false;
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    safely(task);
                    worked = true;
                }
                Inbound in;
                for (int i = 0; i < 256 && (in = datagrams.poll()) != null; i++) {
                    Inbound d = in;
                    safely(() -> endpoint.receive(d.from(), d.data(), d.replies(), now()));
                    safely(d.settled());
                    worked = true;
                }
                long now = now();
                if (endpoint.nextDeadline() <= now) {
                    safely(() -> endpoint.onTimer(now));
                    worked = true;
                }
                if (!worked) {
                    long wait = Math.min(endpoint.nextDeadline() - now, 1000);
                    if (wait > 0 && datagrams.isEmpty() && tasks.isEmpty()) {
                        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(wait));
                    }
                }
            }
        } finally {
            stopped.countDown();
        }
    }

    private void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException | Error e) {
            // A bug must not kill the thread every session depends on.
            counters.increment("loop.error");
            log.error("RTMFP loop task failed", e);
        }
    }

    /** Sends every session's close request, then stops the thread. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        execute(() -> endpoint.closeAll(now()));
        execute(() -> running = false);
        try {
            if (!stopped.await(5, TimeUnit.SECONDS)) {
                running = false;
                thread.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
