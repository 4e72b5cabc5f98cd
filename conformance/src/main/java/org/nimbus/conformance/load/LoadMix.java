package org.nimbus.conformance.load;

/** One kind of load; returns the number of failed operations after printing its figures. */
interface LoadMix {
    long run(LoadContext c) throws Exception;
}
