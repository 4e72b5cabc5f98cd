package org.nimbus.conformance.cli;

/** A case's outcome and how long it took. */
public record CaseResult(ConformanceCase testCase, Outcome outcome, long millis) {
}
