package org.nimbus.registry;

/**
 * A snapshot of the registry for operators: names held now (accounts, guests), connections and
 * registrations now, and totals since start (lookups, relayed messages, error replies).
 */
public record RegistryStats(int accounts, int guests, int connections, int registrations,
                            long lookups, long relayedMessages, long errors) {

    public String logLine() {
        return "Registry: " + accounts + " accounts, " + guests + " guests, " + connections + " connections, "
                + registrations + " registrations; totals: " + lookups + " lookups, " + relayedMessages
                + " relayed messages, " + errors + " errors";
    }
}
