package org.nimbus.fuzz;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nimbus.rtmfp.packet.MalformedException;

/** The harness fails where it must: an undocumented exception, a hang, an allocation over the bound. */
class GuardTest {
    @Test
    void anUndocumentedExceptionFails() {
        AssertionError e = assertThrows(AssertionError.class, () -> Guard.check(new byte[] {1}, () -> {
            throw new IllegalStateException("boom");
        }, MalformedException.class));
        assertTrue(e.getMessage().contains("IllegalStateException") && e.getMessage().contains("input 01"), e.getMessage());
        Guard.check(new byte[] {1}, () -> {
            throw new MalformedException("refused");
        }, MalformedException.class);
    }

    @Test
    void aHangIsStoppedAndFails() {
        long start = System.nanoTime();
        AssertionError e = assertThrows(AssertionError.class, () -> Guard.check(new byte[] {2}, () -> {
            while (!Thread.currentThread().isInterrupted() || true) {
                Thread.onSpinWait();
            }
        }));
        assertTrue(e.getMessage().contains("still running"), e.getMessage());
        assertTrue(System.nanoTime() - start < 4 * Guard.HANG_MILLIS * 1_000_000L);
    }

    @Test
    void allocationOverTheBoundFails() {
        int over = (int) Guard.allocationBound(3) + 1024;
        AssertionError e = assertThrows(AssertionError.class, () -> Guard.check(new byte[3], () -> {
            byte[] b = new byte[over];
            b[over - 1] = 1;
        }));
        assertTrue(e.getMessage().contains("allocated"), e.getMessage());
    }
}
