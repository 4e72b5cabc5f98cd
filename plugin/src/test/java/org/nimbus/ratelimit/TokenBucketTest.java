package org.nimbus.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
    @Test
    void startsFullRefillsAtTheRateAndNeverHoldsMoreThanOneSecond() {
        TokenBucket b = new TokenBucket(20, 1_000);
        for (int i = 0; i < 20; i++) {
            assertTrue(b.tryTake(1_000), "burst token " + i);
        }
        assertFalse(b.tryTake(1_000));
        assertFalse(b.tryTake(1_049), "49 ms refill 0.98 of a token");
        assertTrue(b.tryTake(1_050), "one token every 50 ms at 20/s");
        assertFalse(b.tryTake(1_050));
        int taken = 0;
        while (b.tryTake(100_000)) {
            taken++;
        }
        assertEquals(20, taken, "a long pause refills one second's worth, not more");
    }

    @Test
    void aClockThatStepsBackAddsNothing() {
        TokenBucket b = new TokenBucket(1, 10_000);
        assertTrue(b.tryTake(10_000));
        assertFalse(b.tryTake(5_000));
        assertFalse(b.tryTake(10_999));
        assertTrue(b.tryTake(11_000));
    }

    @Test
    void zeroRateNeverGrants() {
        TokenBucket b = new TokenBucket(0, 0);
        assertFalse(b.tryTake(0));
        assertFalse(b.tryTake(1_000_000));
    }
}
