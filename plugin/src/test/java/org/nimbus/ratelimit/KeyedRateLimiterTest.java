package org.nimbus.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KeyedRateLimiterTest {
    @Test
    void burstThenSteadyRate() {
        KeyedRateLimiter<String> l = new KeyedRateLimiter<>(10, 100);
        for (int i = 0; i < 10; i++) {
            assertTrue(l.tryAcquire("a", 0));
        }
        assertFalse(l.tryAcquire("a", 0));
        assertFalse(l.tryAcquire("a", 99));
        assertTrue(l.tryAcquire("a", 100));
        assertFalse(l.tryAcquire("a", 100));
        assertTrue(l.tryAcquire("b", 100), "keys are independent");
    }

    @Test
    void keysAreBounded() {
        KeyedRateLimiter<Integer> l = new KeyedRateLimiter<>(1, 50);
        for (int i = 0; i < 10_000; i++) {
            l.tryAcquire(i, 0);
        }
        assertEquals(50, l.size());
    }
}
