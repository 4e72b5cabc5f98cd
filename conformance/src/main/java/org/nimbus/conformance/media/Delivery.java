package org.nimbus.conformance.media;

import java.util.List;

/**
 * Whether a live player got what a publisher sent (RFC 7425 §5.3 carries RTMP's messages as they
 * are): the checks the stream cases and the integration tests share.
 */
public final class Delivery {
    /** The outcome of a comparison: whether it holds, and what was seen. */
    public record Verdict(boolean ok, String detail) {
    }

    private Delivery() {
    }

    /** Frames of one type (decoder configurations left out). */
    public static long frames(List<Sample> l, int type) {
        return l.stream().filter(s -> s.type() == type && !s.isConfig()).count();
    }

    /**
     * Compares what a player got with what was sent, per media type: the frames received are the
     * sent ones from some frame on, whole and in order, at their sent timestamps minus one shift
     * (a server may start a live player's clock anywhere: Red5 starts it at the first message
     * stamped after 0, and leaves earlier ones at 0). A decoder configuration is allowed anywhere.
     * With {@code lateJoin}, video is compared from the second key frame received: a player that
     * joins a live stream mid-GOP gets the GOP's key frame and as much of it as the server kept,
     * then the stream resumes at the next key frame. Null when it holds, else the problem.
     */
    public static String compare(List<Sample> sent, List<Sample> got, int type, long minFrames, boolean lateJoin) {
        List<Sample> s = sent.stream().filter(x -> x.type() == type && !x.isConfig()).toList();
        List<Sample> g = got.stream().filter(x -> x.type() == type && !x.isConfig()).toList();
        String kind = type == Sample.VIDEO ? "video" : "audio";
        if (lateJoin && type == Sample.VIDEO) {
            for (int i = 1; i < g.size(); i++) {
                if (g.get(i).isKeyFrame()) {
                    g = g.subList(i, g.size());
                    break;
                }
            }
        }
        if (g.size() < minFrames) {
            return kind + ": " + g.size() + " of " + s.size() + " frames (at least " + minFrames + " expected)";
        }
        if (g.isEmpty()) {
            return null;
        }
        int first = -1;
        for (int i = 0; i < s.size(); i++) {
            if (s.get(i).sameBody(g.get(0).body())) {
                first = i;
                break;
            }
        }
        if (first < 0) {
            return kind + ": the first frame received was never sent";
        }
        for (int i = 0; i < g.size(); i++) {
            if (first + i >= s.size() || !s.get(first + i).sameBody(g.get(i).body())) {
                return kind + " frame " + (first + i) + " missing, altered or out of order";
            }
        }
        int last = g.size() - 1;
        long shift = s.get(first + last).timestamp() - g.get(last).timestamp();
        for (int i = 0; i < g.size(); i++) {
            long expected = Math.max(0, s.get(first + i).timestamp() - shift);
            if (g.get(i).timestamp() != expected) {
                return kind + " frame " + (first + i) + " at " + g.get(i).timestamp() + " ms, expected " + expected
                        + " (sent at " + s.get(first + i).timestamp() + ", clock shifted by " + shift + " ms)";
            }
        }
        return null;
    }

    /** Both media types compared; the summary when they hold. */
    public static Verdict verdict(List<Sample> sent, List<Sample> got, long minVideo, long minAudio, boolean lateJoin, String prefix) {
        String v = compare(sent, got, Sample.VIDEO, minVideo, lateJoin);
        String a = compare(sent, got, Sample.AUDIO, minAudio, lateJoin);
        String counts = frames(got, Sample.VIDEO) + "/" + frames(sent, Sample.VIDEO) + " video, " + frames(got, Sample.AUDIO)
                + "/" + frames(sent, Sample.AUDIO) + " audio frames";
        if (v != null || a != null) {
            return new Verdict(false, prefix + counts + "; " + (v != null ? v : a));
        }
        return new Verdict(true, prefix + counts + ", in order, timestamps kept");
    }
}
