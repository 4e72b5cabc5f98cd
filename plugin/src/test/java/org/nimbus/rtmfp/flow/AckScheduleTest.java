package org.nimbus.rtmfp.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** RFC 7016 §3.6.3.4: delayed acks, urgent ones, and the window the last ack advertised. */
class AckScheduleTest {
    @Test
    void aDelayedAckIsDueAfterTheDelayAndAnUrgentOneAtOnce() {
        AckSchedule a = new AckSchedule();
        assertFalse(a.pending());
        assertEquals(Long.MAX_VALUE, a.deadline());
        a.request(false, 1_000);
        assertTrue(a.pending());
        assertFalse(a.urgent());
        assertEquals(1_000 + RecvFlow.DELAYED_ACK_MILLIS, a.deadline());
        a.request(false, 1_150);
        assertEquals(1_000 + RecvFlow.DELAYED_ACK_MILLIS, a.deadline(), "more data does not push the ack back");
        a.hurry();
        assertTrue(a.urgent());
        assertEquals(Long.MIN_VALUE, a.deadline());
    }

    @Test
    void hurryingWithNothingOwedOwesNothingAndSendingClearsIt() {
        AckSchedule a = new AckSchedule();
        a.hurry();
        assertFalse(a.pending());
        a.requestNow();
        assertTrue(a.urgent());
        a.sent(8);
        assertFalse(a.pending());
        assertFalse(a.urgent());
        assertEquals(Long.MAX_VALUE, a.deadline());
    }

    @Test
    void theWindowCountsAsClosedUntilAnAckAdvertisedTwoBlocks() {
        AckSchedule a = new AckSchedule();
        assertTrue(a.windowWasClosed(), "before any ack: the first data is acknowledged at once");
        a.sent(1);
        assertTrue(a.windowWasClosed());
        a.sent(2);
        assertFalse(a.windowWasClosed());
    }
}
