package org.nimbus.conformance.load;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Parsing of --load, the open-loop schedule, the latency line, and what the call mix refuses. */
class LoadSpecTest {

    @Test
    void parsesEveryKeyAndUnit() {
        LoadSpec s = LoadSpec.parse("sessions=3000,rate=250.5,duration=2m,mix=idle");
        assertEquals(3000, s.sessions());
        assertEquals(250.5, s.rate());
        assertEquals(Duration.ofMinutes(2), s.duration());
        assertEquals(LoadSpec.Mix.IDLE, s.mix());
        assertEquals(Duration.ofMillis(1500), LoadSpec.parse("mix=handshake,sessions=1,rate=1,duration=1.5s").duration());
        assertEquals(Duration.ofMillis(250), LoadSpec.parse("mix=lookup,sessions=1,rate=1,duration=250ms").duration());
        assertEquals(Duration.ofSeconds(7), LoadSpec.parse("mix=call,sessions=1,rate=1,duration=7").duration());
        assertEquals(1, s.perSocket());
        assertEquals(LoadSpec.DEFAULT_PING, s.ping());
        LoadSpec idle = LoadSpec.parse("sessions=50000,rate=500,duration=3m,mix=idle,connect=true,per_socket=50,ping=0");
        assertEquals(50, idle.perSocket());
        assertEquals(Duration.ZERO, idle.ping());
        assertTrue(idle.connect());
        LoadSpec soak = LoadSpec.parse("sessions=12,rate=2,duration=30m,mix=soak,sample=5s,drain=40s,out=target/soak");
        assertEquals(LoadSpec.Mix.SOAK, soak.mix());
        assertEquals(Duration.ofSeconds(5), soak.sample());
        assertEquals(Duration.ofSeconds(40), soak.drain());
        assertEquals("target/soak", soak.out());
        assertEquals(LoadSpec.DEFAULT_SAMPLE, s.sample());
        assertNull(s.out());
        assertThrows(IllegalArgumentException.class, () -> LoadSpec.parse("sessions=2,rate=1,duration=1m,mix=soak,sample=100ms"));
    }

    @Test
    void rejectsMissingUnknownAndNonPositive() {
        assertThrows(IllegalArgumentException.class, () -> LoadSpec.parse("sessions=1,rate=1,duration=1s"));
        assertThrows(IllegalArgumentException.class, () -> LoadSpec.parse("sessions=1,rate=1,duration=1s,mix=dance"));
        assertThrows(IllegalArgumentException.class, () -> LoadSpec.parse("sessions=1,rate=1,duration=1s,mix=idle,x=2"));
        assertThrows(IllegalArgumentException.class, () -> LoadSpec.parse("sessions=0,rate=1,duration=1s,mix=idle"));
        assertThrows(IllegalArgumentException.class, () -> LoadSpec.parse("sessions=1,rate=0,duration=1s,mix=idle"));
        assertThrows(IllegalArgumentException.class, () -> LoadSpec.parse("sessions=1,rate=1,duration=1s,mix=idle,per_socket=0"));
        assertThrows(IllegalArgumentException.class, () -> LoadSpec.parse("sessions=1,rate=1,duration=1s,mix=idle,ping=-1s"));
    }

    @Test
    void pacerSpacesEventsByTheRateAndStopsAtTheEnd() {
        Pacer p = new Pacer(1_000, 4, 1_000_000_000L);
        assertEquals(1_000, p.due(0));
        assertEquals(1_000 + 250_000_000L, p.due(1));
        assertEquals(1_000 + 750_000_000L, p.due(3));
        assertEquals(-1, p.due(4));
    }

    @Test
    void latencyLineGivesPercentilesInMilliseconds() {
        Latency l = new Latency("x");
        assertTrue(l.line().contains("none recorded"));
        for (int i = 1; i <= 1000; i++) {
            l.recordNanos(i * 1_000_000L); // 1..1000 ms
        }
        String line = l.line();
        assertTrue(line.contains("n=1000"), line);
        assertTrue(line.contains("p50 500."), line);
        assertTrue(line.contains("p99 990."), line);
        assertTrue(line.contains("max 1000."), line);
    }

    @Test
    void callRefusesSessionsItCannotPairOrKeepAlive() {
        for (String spec : new String[] {"sessions=3,rate=100,duration=1s,mix=call", "sessions=1000,rate=10,duration=1s,mix=call"}) {
            LoadRunner runner = new LoadRunner(LoadSpec.parse(spec), "rtmfp://127.0.0.1:1/x", null, null, null,
                    Duration.ofSeconds(1), new PrintStream(new ByteArrayOutputStream(), true));
            assertThrows(IllegalArgumentException.class, runner::run, spec);
        }
    }

    @Test
    void handshakeLoadAgainstASilentServerCountsEveryFailure() throws Exception {
        try (java.net.DatagramSocket mute = new java.net.DatagramSocket()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = new LoadRunner(LoadSpec.parse("sessions=3,rate=20,duration=1s,mix=handshake"),
                    "rtmfp://127.0.0.1:" + mute.getLocalPort() + "/x", null, null, null, Duration.ofMillis(300),
                    new PrintStream(out, true)).run();
            assertEquals(1, code, out.toString());
            assertTrue(out.toString().contains("3 started, 0 established, 3 failed"), out.toString());
            assertTrue(out.toString().contains("result: 3 failed operation(s)"), out.toString());
        }
    }
}
