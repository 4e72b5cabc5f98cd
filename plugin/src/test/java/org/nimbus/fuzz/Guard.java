package org.nimbus.fuzz;

import java.lang.management.ManagementFactory;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one decode of fuzzed input and fails on what a network decoder must never do: throw
 * anything but its documented exceptions, run past a hang timeout, or allocate more than a bound
 * proportional to the input ({@link #allocationBound}). The decode runs on one worker thread so
 * that a hang can be detected and its allocation counted alone
 * ({@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}).
 */
public final class Guard {
    /** Fixed part of the allocation bound: lookup tables, a few small objects, a JSON reader's buffer. */
    public static final long BASE_BYTES = Long.getLong("nimbus.fuzz.baseBytes", 512 * 1024);
    /** Per input byte: a decoder may copy its input a few times and box what it reads. */
    public static final long BYTES_PER_INPUT_BYTE = Long.getLong("nimbus.fuzz.bytesPerInputByte", 256);
    static final long HANG_MILLIS = Long.getLong("nimbus.fuzz.hangMillis", 5000);
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static ExecutorService worker = newWorker();

    /** One decode; the exceptions it declares are the ones a caller handles. */
    @FunctionalInterface
    public interface Decode {
        void run() throws Exception;
    }

    private Guard() {
    }

    public static long allocationBound(int inputBytes) {
        return BASE_BYTES + BYTES_PER_INPUT_BYTE * inputBytes;
    }

    /**
     * Decodes {@code input} with {@code decode}; an exception of one of the {@code allowed} types
     * is a refusal and passes, anything else fails the property with the input in hex.
     */
    @SafeVarargs
    public static void check(byte[] input, Decode decode, Class<? extends Throwable>... allowed) {
        check(input.length, () -> "input " + hex(input), decode, allowed);
    }

    /** The same for input that is not bytes (reg.cgi's parameters): its size in bytes and how to show it. */
    @SafeVarargs
    public static synchronized void check(int inputBytes, java.util.function.Supplier<String> input, Decode decode,
                                          Class<? extends Throwable>... allowed) {
        long allocated = measure(input, decode, allowed);
        long bound = allocationBound(inputBytes);
        if (allocated > bound) {
            // a first use loads classes and JCA providers: only a decode that allocates as much
            // again, warm, is over the bound
            allocated = measure(input, decode, allowed);
        }
        if (allocated > bound) {
            throw new AssertionError("decode of " + inputBytes + " bytes allocated " + allocated
                    + " bytes (bound " + bound + ") on " + input.get());
        }
    }

    @SafeVarargs
    private static long measure(java.util.function.Supplier<String> input, Decode decode, Class<? extends Throwable>... allowed) {
        Future<Long> f = worker.submit(() -> {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            try {
                decode.run();
            } catch (Throwable t) {
                if (!isAllowed(t, allowed)) {
                    throw new AssertionError("undocumented " + t + " on " + input.get(), t);
                }
            }
            return THREADS.getCurrentThreadAllocatedBytes() - before;
        });
        try {
            return f.get(HANG_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            worker.shutdownNow();
            worker = newWorker(); // the hung thread is left behind; the property fails anyway
            throw new AssertionError("decode still running after " + HANG_MILLIS + " ms on " + input.get());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AssertionError a) {
                throw a;
            }
            throw new AssertionError("decode failed with " + e.getCause() + " on " + input.get(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static boolean isAllowed(Throwable t, Class<? extends Throwable>[] allowed) {
        for (Class<? extends Throwable> c : allowed) {
            if (c.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    static String hex(byte[] b) {
        return b.length <= 4096 ? HexFormat.of().formatHex(b) : HexFormat.of().formatHex(b, 0, 4096) + "...(" + b.length + " bytes)";
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-decode");
            t.setDaemon(true);
            return t;
        });
    }
}
