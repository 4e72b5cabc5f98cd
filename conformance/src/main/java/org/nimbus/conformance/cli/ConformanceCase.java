package org.nimbus.conformance.cli;

/** One numbered case: an id such as HS-01, the RFC section it checks, a title, and its body. */
public record ConformanceCase(String id, String section, String title, Body body) {
    @FunctionalInterface
    public interface Body {
        Outcome run(Target target) throws Exception;
    }

    /** Runs the body; an exception is a failure whose detail is the exception's message. */
    public CaseResult run(Target target) {
        long t0 = System.nanoTime();
        Outcome o;
        try {
            o = body.run(target);
        } catch (Exception e) {
            o = Outcome.fail(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return new CaseResult(this, o, (System.nanoTime() - t0) / 1_000_000L);
    }
}
