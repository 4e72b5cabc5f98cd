package org.nimbus.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AcceptRateTest {
    @Test
    void aBurstOfTheRateThenTheRatePerSecondPerAddress() {
        FakeClock clock = new FakeClock(1_000);
        AcceptRate r = new AcceptRate(4, clock);
        for (int i = 0; i < 4; i++) {
            assertTrue(r.tryAccept("10.0.0.1"), "burst " + i);
        }
        assertFalse(r.tryAccept("10.0.0.1"));
        assertTrue(r.tryAccept("10.0.0.2"), "another address has its own bucket");
        clock.advance(250);
        assertTrue(r.tryAccept("10.0.0.1"), "one token a quarter second");
        assertFalse(r.tryAccept("10.0.0.1"));
        assertEquals(2, r.refused());
    }

    @Test
    void zeroIsNoLimit() {
        AcceptRate r = new AcceptRate(0, new FakeClock(0));
        for (int i = 0; i < 10_000; i++) {
            assertTrue(r.tryAccept("10.0.0.1"));
        }
        assertEquals(0, r.refused());
    }

    @Test
    void aFloodFromManyAddressesKeepsBoundedState() {
        AcceptRate r = new AcceptRate(1, new FakeClock(0));
        for (int i = 0; i < 3 * AcceptRate.MAX_ADDRESSES; i++) {
            assertTrue(r.tryAccept("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255)));
        }
        assertEquals(AcceptRate.MAX_ADDRESSES, r.addresses());
    }

    @Test
    void theServiceTakesItsRateFromTheLimits() {
        RegistryLimits d = RegistryLimits.defaults();
        assertEquals(64, d.acceptRatePerIp());
        FakeClock clock = new FakeClock(0);
        RegistryService s = new RegistryService(new InMemoryRegistryStore(), new AccountTokens(new byte[16]),
                new GuestNames(new java.util.Random(1)), clock, d);
        int accepted = 0;
        while (s.acceptRate().tryAccept("192.0.2.1")) {
            accepted++;
        }
        assertEquals(64, accepted);
    }
}
