package org.nimbus.conformance.cli;

import java.util.List;

/** A named list of cases. */
public interface Suite {
    String name();

    List<ConformanceCase> cases();
}
