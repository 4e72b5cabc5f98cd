package org.nimbus.conformance.load;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nimbus.conformance.wire.PeerAddress;
import org.nimbus.conformance.wire.Redirect;

/** mix=introduce's accounting without a server: Redirects settled, "peer gone", retransmission, timeouts. */
class IntroductionLedgerTest {
    private static final long MS = 1_000_000L;

    private static Redirect redirect(byte[] tag, PeerAddress... to) {
        return new Redirect(tag, List.of(to));
    }

    private static PeerAddress address(String ip, int port) throws Exception {
        return new PeerAddress(PeerAddress.ORIGIN_OBSERVED, InetAddress.getByName(ip), port);
    }

    @Test
    void aRedirectWithAnAddressIsAnIntroductionTimedFromTheDueTime() throws Exception {
        Latency latency = new Latency("x");
        IntroductionLedger l = new IntroductionLedger(1000 * MS, 5000 * MS, latency);
        byte[] tag = {1, 2, 3};
        l.sent(tag, 100 * MS, 130 * MS, new byte[] {9});
        assertEquals(1, l.outstanding());
        assertEquals(IntroductionLedger.Outcome.INTRODUCED, l.onRedirect(redirect(tag, address("10.0.0.1", 5000)), 142 * MS));
        assertEquals(1, l.introduced());
        assertEquals(0, l.outstanding());
        assertEquals(42_000, latency.histogram().getMaxValue(), 50); // µs, from due (100 ms), not sent (130 ms)
        assertEquals(IntroductionLedger.Outcome.UNMATCHED, l.onRedirect(redirect(tag, address("10.0.0.1", 5000)), 150 * MS));
        assertEquals(1, l.introduced());
    }

    @Test
    void aRedirectWithNoUsableAddressIsPeerGoneAndNotTimed() throws Exception {
        Latency latency = new Latency("x");
        IntroductionLedger l = new IntroductionLedger(1000 * MS, 5000 * MS, latency);
        byte[] tag = {7};
        l.sent(tag, 0, 0, new byte[] {9});
        assertEquals(IntroductionLedger.Outcome.PEER_GONE, l.onRedirect(redirect(tag, address("0.0.0.0", 0)), 600 * MS));
        assertEquals(1, l.peerGone());
        assertEquals(0, l.introduced());
        assertEquals(0, latency.histogram().getTotalCount());
    }

    @Test
    void unansweredIHellosAreSentAgainOnceThenTimeOut() {
        IntroductionLedger l = new IntroductionLedger(1000 * MS, 3000 * MS, new Latency("x"));
        byte[] datagram = {5, 5};
        l.sent(new byte[] {1}, 0, 0, datagram);
        l.sent(new byte[] {2}, 2000 * MS, 2000 * MS, new byte[] {6});
        assertTrue(l.sweep(999 * MS).isEmpty());
        List<byte[]> again = l.sweep(1000 * MS);
        assertEquals(1, again.size());
        assertArrayEquals(datagram, again.get(0));
        assertTrue(l.sweep(2500 * MS).isEmpty(), "a retransmission happens once");
        assertEquals(1, l.retransmissions());
        assertTrue(l.sweep(3000 * MS).size() == 1, "the second IHello's turn; the first times out");
        assertEquals(1, l.timedOut());
        assertEquals(1, l.outstanding());
        l.sweep(5000 * MS);
        assertEquals(2, l.timedOut());
        assertEquals(0, l.outstanding());
    }

    @Test
    void introduceAgainstASilentServerCountsEveryTargetThatCouldNotConnect() throws Exception {
        try (DatagramSocket mute = new DatagramSocket()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = new LoadRunner(LoadSpec.parse("sessions=3,rate=20,duration=1s,mix=introduce"),
                    "rtmfp://127.0.0.1:" + mute.getLocalPort() + "/x", null, null, null, Duration.ofMillis(300),
                    new PrintStream(out, true)).run();
            String text = out.toString();
            assertEquals(1, code, text);
            assertTrue(text.contains("targets: 3 asked, 0 opened, 3 failed"), text);
            assertFalse(text.contains("introductions:"), "no introductions without targets: " + text);
            assertTrue(text.contains("result: 3 failed operation(s)"), text);
        }
    }
}
