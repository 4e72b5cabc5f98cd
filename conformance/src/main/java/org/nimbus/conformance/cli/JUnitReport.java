package org.nimbus.conformance.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes results as a JUnit XML report, so CI can show the cases beside unit tests. */
public final class JUnitReport {
    private JUnitReport() {
    }

    public static void write(Path file, String target, List<CaseResult> results) throws IOException {
        long failures = results.stream().filter(r -> r.outcome().verdict() == Outcome.Verdict.FAIL).count();
        long skipped = results.stream().filter(r -> r.outcome().verdict() == Outcome.Verdict.NA).count();
        double total = results.stream().mapToLong(CaseResult::millis).sum() / 1000.0;
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append(String.format("<testsuite name=\"nimbus-conformance\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\" time=\"%.3f\">%n",
                results.size(), failures, skipped, total));
        x.append("  <properties><property name=\"target\" value=\"").append(esc(target)).append("\"/></properties>\n");
        for (CaseResult r : results) {
            ConformanceCase c = r.testCase();
            x.append(String.format("  <testcase classname=\"conformance.%s\" name=\"%s\" time=\"%.3f\">",
                    esc(c.id().replaceAll("-\\d+$", "")), esc(c.id() + " " + c.title() + " (" + c.section() + ")"),
                    r.millis() / 1000.0));
            switch (r.outcome().verdict()) {
                case FAIL -> x.append("<failure message=\"").append(esc(r.outcome().detail())).append("\"/>");
                case NA -> x.append("<skipped message=\"").append(esc(r.outcome().detail())).append("\"/>");
                case PASS -> x.append("<system-out>").append(esc(r.outcome().detail())).append("</system-out>");
            }
            x.append("</testcase>\n");
        }
        x.append("</testsuite>\n");
        Files.writeString(file, x.toString(), StandardCharsets.UTF_8);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
