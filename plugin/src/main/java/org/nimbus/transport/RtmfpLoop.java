package org.nimbus.transport;

import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.nimbus.rtmfp.session.RtmfpCounters;
import org.nimbus.rtmfp.session.RtmfpEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the RTMFP endpoint: datagrams it reads from the sockets itself
 * ({@link LoopIo}), tasks from the layers above (Red5 threads that want to send) and the
 * endpoint's timers all run here, so the protocol core needs no locks. Incoming datagrams wait
 * in the kernel's socket buffers, which bound them: under a flood the kernel drops the excess.
 */
public final class RtmfpLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RtmfpLoop.class);
    /** Datagrams handled between two looks at the task queue and the timers. */
    private static final int DATAGRAM_BATCH = 256;

    private final RtmfpEndpoint endpoint;
    private final RtmfpCounters counters;
    private final LoopIo io;
    private final Inbox receive;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Set while the thread is about to wait or waiting in {@link LoopIo#await}: only then do tasks wake it. */
    private volatile boolean sleeping;
    private final long origin = System.nanoTime();
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    public RtmfpLoop(RtmfpEndpoint endpoint, LoopIo io) {
        this.endpoint = endpoint;
        this.counters = endpoint.counters();
        this.io = io;
        this.receive = (from, data, replies, settled) -> {
            safely(() -> endpoint.receive(from, data, replies, now()));
            safely(settled);
        };
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

    /** Runs a task on the loop thread (never dropped). */
    public void execute(Runnable task) {
        tasks.add(task);
        if (sleeping) {
            io.wakeup();
        }
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
                if (io.drain(DATAGRAM_BATCH, receive) > 0) {
                    worked = true;
                }
                long now = now();
                if (endpoint.nextDeadline() <= now) {
                    safely(() -> endpoint.onTimer(now));
                    worked = true;
                }
                if (!worked) {
                    long wait = Math.min(endpoint.nextDeadline() - now, 1000);
                    if (wait > 0) {
                        // Dekker-style: a task added after this write sees sleeping and wakes us;
                        // one added before it is seen by the check below
                        sleeping = true;
                        if (tasks.isEmpty()) {
                            io.await(wait);
                        }
                        sleeping = false;
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
                io.wakeup();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
