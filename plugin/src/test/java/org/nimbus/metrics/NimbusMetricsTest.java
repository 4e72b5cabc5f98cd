package org.nimbus.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nimbus.rtmfp.session.RtmfpCounters;

/** Counters of the core become Prometheus families with a tag; latencies become histograms. */
class NimbusMetricsTest {
    @Test
    void countersAppearUnderPrometheusNamesEvenWhenCreatedLater() {
        RtmfpCounters c = new RtmfpCounters();
        c.increment("drop.size");
        try (NimbusMetrics m = new NimbusMetrics()) {
            m.bindCounters(c);
            for (int i = 0; i < 3; i++) {
                c.increment("session.opened");
            }
            c.increment("handshake.rhello");
            c.increment("introduction.redirect");
            c.increment("group.join");
            c.increment("tc.connect");
            c.increment("loop.error");
            String text = m.scrape();
            for (String line : List.of("nimbus_rtmfp_drops_total{reason=\"size\"} 1.0",
                    "nimbus_rtmfp_handshakes_total{outcome=\"established\"} 3.0", "nimbus_rtmfp_handshakes_total{outcome=\"rhello\"} 1.0",
                    "nimbus_rtmfp_introductions_total{outcome=\"redirect\"} 1.0", "nimbus_netgroup_joins_total 1.0",
                    "nimbus_tc_connects_total 1.0", "nimbus_rtmfp_events_total{event=\"loop.error\"} 1.0")) {
                assertTrue(text.contains("\n" + line + "\n"), line + " in:\n" + text);
            }
            c.increment("drop.size");
            assertTrue(m.scrape().contains("nimbus_rtmfp_drops_total{reason=\"size\"} 2.0"), "read live, not copied");
        }
    }

    @Test
    void loopLatenciesAreHistogramsInSeconds() {
        RtmfpCounters c = new RtmfpCounters();
        try (NimbusMetrics m = new NimbusMetrics()) {
            m.bindCounters(c);
            long t = c.latencies().start();
            c.latencies().stop("handshake", t);
            c.latencies().stop("introduction.redirect", c.latencies().start());
            String text = m.scrape();
            assertTrue(text.contains("nimbus_rtmfp_handshake_seconds_count 1\n"), text);
            assertTrue(text.contains("nimbus_rtmfp_handshake_seconds_bucket{le=\"0.001\"}"), text);
            assertTrue(text.contains("nimbus_rtmfp_introduction_seconds_count{outcome=\"redirect\"} 1\n"), text);
        }
        assertEquals(RtmfpCounters.Latencies.NONE, c.latencies(), "close detaches the callback");
    }

    @Test
    void keyCountersSplitIntoOutcomeAndKey() {
        try (NimbusMetrics m = new NimbusMetrics()) {
            m.bindKeys(() -> Map.of("accepted.abc", 2L, "refused.(unlisted)", 1L), () -> 1);
            String text = m.scrape();
            assertTrue(text.contains("nimbus_tc_key_connects_total{key=\"abc\",outcome=\"accepted\"} 2.0"), text);
            assertTrue(text.contains("nimbus_tc_key_connects_total{key=\"(unlisted)\",outcome=\"refused\"} 1.0"), text);
            assertTrue(text.contains("nimbus_tc_keys 1.0"), text);
        }
    }

    @Test
    void streamCommandsPerTransport() {
        java.util.concurrent.atomic.LongAdder pub = new java.util.concurrent.atomic.LongAdder();
        java.util.concurrent.atomic.LongAdder play = new java.util.concurrent.atomic.LongAdder();
        try (NimbusMetrics m = new NimbusMetrics()) {
            m.bindStreams("rtmp", pub, play);
            pub.increment();
            play.add(3);
            String text = m.scrape();
            assertTrue(text.contains("nimbus_tc_publishes_total{transport=\"rtmp\"} 1.0"), text);
            assertTrue(text.contains("nimbus_tc_plays_total{transport=\"rtmp\"} 3.0"), text);
        }
    }

    @Test
    void historyTurnsTotalsIntoRatesAndKeepsAnHour() {
        long[] handshakes = {0};
        StatusHistory h = new StatusHistory(() -> new StatusHistory.Reading(7, handshakes[0], 0, 0, 2, 100), () -> { });
        h.sample(0);
        handshakes[0] = 50;
        h.sample(5000);
        assertEquals(1, h.samples().size());
        assertEquals(10.0, h.samples().get(0).handshakesPerSecond(), 1e-9);
        assertEquals(7, h.samples().get(0).sessions());
        for (int i = 2; i < StatusHistory.SAMPLES + 10; i++) {
            h.sample(i * 5000L);
        }
        assertEquals(StatusHistory.SAMPLES, h.samples().size());
        assertEquals((StatusHistory.SAMPLES + 9) * 5000L, h.samples().get(StatusHistory.SAMPLES - 1).timeMillis());
        assertEquals(0.0, h.samples().get(StatusHistory.SAMPLES - 1).handshakesPerSecond());
    }
}
