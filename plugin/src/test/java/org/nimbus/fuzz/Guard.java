package org.nimbus.fuzz;

import java.lang.management.ManagementFactory;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * Runs one decode of fuzzed input and fails on what a network decoder must never do: throw
 * anything but its documented exceptions, run past a hang timeout, or allocate more than a bound
 * proportional to the input ({@link #allocationBound}). The decode runs on the calling thread (a
 * hand-off per input would cost more than most decodes) and its allocation is that thread's
 * ({@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}); a watchdog thread
 * stops a decode that runs past {@link #HANG_MILLIS} ({@code Thread.stop}, still there in Java
 * 17: the only way to end a loop that never looks at an interrupt), and the property fails with
 * the input.
 */
public final class Guard {
    /** Fixed part of the allocation bound: lookup tables, a few small objects, a JSON reader's buffer. */
    public static final long BASE_BYTES = Long.getLong("nimbus.fuzz.baseBytes", 512 * 1024);
    /** Per input byte: a decoder may copy its input a few times and box what it reads. */
    public static final long BYTES_PER_INPUT_BYTE = Long.getLong("nimbus.fuzz.bytesPerInputByte", 256);
    static final long HANG_MILLIS = Long.getLong("nimbus.fuzz.hangMillis", 5000);
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final Object LOCK = new Object();
    /** The decoding thread and when its decode began (0: none running); guarded by LOCK. */
    private static Thread decoding;
    private static long startedNanos;
    private static boolean stopped;

    static {
        Thread watchdog = new Thread(Guard::watch, "fuzz-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

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
    public static void check(int inputBytes, Supplier<String> input, Decode decode, Class<? extends Throwable>... allowed) {
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
    @SuppressWarnings("removal")
    private static long measure(Supplier<String> input, Decode decode, Class<? extends Throwable>... allowed) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        synchronized (LOCK) {
            decoding = Thread.currentThread();
            startedNanos = System.nanoTime();
            stopped = false;
        }
        Throwable thrown = null;
        try {
            decode.run();
        } catch (ThreadDeath d) {
            thrown = d;
        } catch (Throwable t) {
            thrown = t;
        } finally {
            synchronized (LOCK) {
                decoding = null;
                if (stopped) {
                    stopped = false;
                    throw new AssertionError("decode still running after " + HANG_MILLIS + " ms on " + input.get());
                }
            }
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        if (thrown != null && !isAllowed(thrown, allowed)) {
            throw new AssertionError("undocumented " + thrown + " on " + input.get(), thrown);
        }
        return allocated;
    }

    @SuppressWarnings({"removal", "deprecation"})
    private static void watch() {
        while (true) {
            synchronized (LOCK) {
                if (decoding != null && System.nanoTime() - startedNanos > HANG_MILLIS * 1_000_000) {
                    stopped = true;
                    decoding.stop();
                    decoding = null;
                }
            }
            try {
                Thread.sleep(Math.max(10, HANG_MILLIS / 10));
            } catch (InterruptedException e) {
                return;
            }
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
}
