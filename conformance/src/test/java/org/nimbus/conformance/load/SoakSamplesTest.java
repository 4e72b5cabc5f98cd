package org.nimbus.conformance.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SoakSamplesTest {
    private static final long MB = 1 << 20;

    /** 18 samples, 20 visits apart; heap = base + perVisit × visits + a ±noise wobble. */
    private static SoakSamples run(long perVisit, long noise, int threadsAtEnd) {
        SoakSamples s = new SoakSamples();
        for (int i = 0; i < 18; i++) {
            long visits = 20L * i;
            long heap = 40 * MB + perVisit * visits + (i % 2 == 0 ? noise : -noise);
            s.add(new SoakSamples.Sample(10.0 * i, visits, heap, i >= 12 ? threadsAtEnd : 60, 90, 4));
        }
        return s;
    }

    private static final SoakSamples.Sample DRAINED = new SoakSamples.Sample(200, 360, 41 * MB, 60, 90, 0);

    @Test
    void aServerThatKeepsNothingPerVisitIsFlat() {
        SoakSamples.Verdict v = run(0, 300_000, 60).verdict(0, DRAINED);
        assertTrue(v.flat(), v.detail());
    }

    @Test
    void fourteenKilobytesPerVisitIsALeakEvenWhenTheHeapStaysSmall() {
        // the leak found by the first soak: one broadcast scope (and its connection) kept per visit
        SoakSamples.Verdict v = run(14_000, 300_000, 60).verdict(0, DRAINED);
        assertFalse(v.flat(), v.detail());
        assertTrue(v.detail().contains("bytes per visit"), v.detail());
    }

    @Test
    void growingThreadsOrSessionsLeftAfterTheDrainAreNotFlat() {
        assertFalse(run(0, 0, 70).verdict(0, DRAINED).flat());
        SoakSamples.Sample stuck = new SoakSamples.Sample(200, 360, 41 * MB, 60, 90, 12);
        SoakSamples.Verdict v = run(0, 0, 60).verdict(0, stuck);
        assertFalse(v.flat());
        assertTrue(v.detail().contains("12 sessions still open"), v.detail());
        assertFalse(run(0, 0, 60).verdict(0, null).flat());
    }

    @Test
    void tooFewSamplesCannotBeJudgedFlat() {
        SoakSamples s = new SoakSamples();
        s.add(new SoakSamples.Sample(0, 0, MB, 1, 1, 0));
        assertFalse(s.verdict(0, DRAINED).flat());
    }

    @Test
    void slopeAndMedianAreExact() {
        SoakSamples s = run(1000, 0, 60);
        assertEquals(1000.0, SoakSamples.bytesPerVisit(s.samples()), 1e-6);
        assertEquals(2, SoakSamples.median(new long[] {3, 1, 2}));
        assertTrue(s.csv().startsWith("seconds,visits,heap_after_gc_bytes,threads,open_fds,sessions\n"));
        assertEquals(19, s.csv().split("\n").length);
    }
}
