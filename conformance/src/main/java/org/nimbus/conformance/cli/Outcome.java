package org.nimbus.conformance.cli;

/** The verdict of one case: pass, fail, or not applicable (the server does not offer the feature). */
public record Outcome(Verdict verdict, String detail) {
    public enum Verdict { PASS, FAIL, NA }

    public static Outcome pass(String detail) {
        return new Outcome(Verdict.PASS, detail);
    }

    public static Outcome fail(String detail) {
        return new Outcome(Verdict.FAIL, detail);
    }

    public static Outcome na(String detail) {
        return new Outcome(Verdict.NA, detail);
    }

    /** Pass if the condition holds, else fail, with the same detail. */
    public static Outcome check(boolean ok, String detail) {
        return ok ? pass(detail) : fail(detail);
    }
}
