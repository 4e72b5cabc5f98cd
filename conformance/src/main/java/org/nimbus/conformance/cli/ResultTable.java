package org.nimbus.conformance.cli;

import java.io.PrintStream;
import java.util.List;

/** The plain-text result table: case, section, result, detail. */
public final class ResultTable {
    private ResultTable() {
    }

    public static void print(List<CaseResult> results, PrintStream out) {
        int idW = 5;
        int secW = 7;
        for (CaseResult r : results) {
            idW = Math.max(idW, r.testCase().id().length());
            secW = Math.max(secW, r.testCase().section().length());
        }
        String fmt = "%-" + idW + "s  %-" + secW + "s  %-6s  %s%n";
        out.printf(fmt, "case", "section", "result", "detail");
        out.printf(fmt, "-".repeat(idW), "-".repeat(secW), "------", "------");
        for (CaseResult r : results) {
            String verdict = switch (r.outcome().verdict()) {
                case PASS -> "pass";
                case FAIL -> "FAIL";
                case NA -> "n-a";
            };
            out.printf(fmt, r.testCase().id(), r.testCase().section(), verdict,
                    r.testCase().title() + ": " + r.outcome().detail());
        }
        long pass = results.stream().filter(r -> r.outcome().verdict() == Outcome.Verdict.PASS).count();
        long fail = results.stream().filter(r -> r.outcome().verdict() == Outcome.Verdict.FAIL).count();
        out.printf("%n%d cases: %d pass, %d fail, %d n-a%n", results.size(), pass, fail, results.size() - pass - fail);
    }
}
