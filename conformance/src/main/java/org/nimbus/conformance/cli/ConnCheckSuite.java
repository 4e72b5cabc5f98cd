package org.nimbus.conformance.cli;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The connectivity check ({@code rtmfp://host:port/conncheck}), as the RFC author's
 * {@code conncheck} server runs it: n/a unless the server offers it. CC-01 runs a check from this
 * machine and passes when the results carry every field with its type, the setPeerInfo-derived
 * fields agree with what this client reported, and the server closed the session afterwards;
 * the detail lists the fields for an operator (what they say depends on the network between).
 */
public final class ConnCheckSuite implements Suite {
    @Override
    public String name() {
        return "conncheck";
    }

    @Override
    public List<ConformanceCase> cases() {
        return List.of(new ConformanceCase("CC-01", "7425 §5.3.3", "connectivity check: setPeerInfo starts it, "
                + ConnCheck.RESULTS + " reports the NAT's behaviour", ConnCheckSuite::check));
    }

    static Outcome check(Target t) throws Exception {
        ConnCheck.Report r = ConnCheck.run(t.uri(), t.timeout());
        if (r.refused()) {
            return Outcome.na("the server runs no connectivity check: " + r.notOffered());
        }
        Map<String, Object> f = r.fields();
        String detail = f.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
        if (!(f.get("publicAddress") instanceof String pub)) {
            return Outcome.fail("no publicAddress: " + detail);
        }
        if (f.containsKey("(session)")) {
            return Outcome.fail("the server did not close the session after the results: " + detail);
        }
        if (!(f.get("receiveSameAddressDifferentPortAllowed") instanceof Boolean)) {
            return Outcome.fail("receiveSameAddressDifferentPortAllowed is not a boolean: " + detail);
        }
        for (String k : ConnCheck.FIELDS.subList(1, ConnCheck.FIELDS.size())) {
            Object v = f.get(k);
            if (v != null && !(v instanceof Boolean)) {
                return Outcome.fail(k + " is neither a boolean nor null: " + detail);
            }
        }
        // The fields derived from setPeerInfo must agree with what this client reported.
        boolean local = r.reported().contains(pub);
        String port = pub.substring(pub.lastIndexOf(':') + 1);
        boolean portMatches = r.reported().stream().anyMatch(a -> a.endsWith(":" + port));
        Object expectLocal = r.reported().isEmpty() ? null : local;
        Object expectPort = r.reported().isEmpty() ? null : portMatches;
        if (!java.util.Objects.equals(expectLocal, f.get("publicAddressIsLocal"))
                || !java.util.Objects.equals(expectPort, f.get("publicPortMatchesLocalPort"))) {
            return Outcome.fail("publicAddressIsLocal/publicPortMatchesLocalPort disagree with setPeerInfo " + r.reported() + ": " + detail);
        }
        if (Boolean.TRUE.equals(f.get("sendAfterIntroductionAllowed")) && r.rhellosTo().isEmpty()) {
            return Outcome.fail("an introduction reported answered, but this client sent no RHello: " + detail);
        }
        return Outcome.pass(detail + "; RHellos to " + r.rhellosTo());
    }
}
