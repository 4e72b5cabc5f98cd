package org.nimbus.red5;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one connection's tasks in order, one at a time, on a shared pool: a NetConnection's
 * messages reach Red5 in the order they came, while connections proceed in parallel and the
 * RTMFP loop never waits for application code.
 */
final class SerialExecutor implements Executor {
    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

    private final Executor pool;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        schedule();
    }

    private void schedule() {
        if (!tasks.isEmpty() && scheduled.compareAndSet(false, true)) {
            pool.execute(this::drain);
        }
    }

    private void drain() {
        try {
            for (int i = 0; i < 64; i++) { // then yield the thread to other connections
                Runnable r = tasks.poll();
                if (r == null) {
                    break;
                }
                try {
                    r.run();
                } catch (RuntimeException | Error e) {
                    log.error("RTMFP connection task failed", e);
                }
            }
        } finally {
            scheduled.set(false);
            schedule();
        }
    }
}
