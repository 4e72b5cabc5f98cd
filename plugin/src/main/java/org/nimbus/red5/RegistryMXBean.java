package org.nimbus.red5;

/** The registry's counters in JMX, as org.nimbus:type=Registry. */
public interface RegistryMXBean {
    /** Account names held now. */
    int getAccounts();

    /** Guest names held now. */
    int getGuests();

    int getConnections();

    int getRegistrations();

    /** Lookups since start. */
    long getLookups();

    /** Messages relayed since start. */
    long getRelayedMessages();

    /** Error replies since start. */
    long getErrors();

    /** New connections refused by registry.accept_rate_per_ip since start. */
    long getAcceptsRefused();

    /**
     * Operator command: deletes every stored message the account sent or received (its history and
     * undelivered set); returns how many, or -1 when the server keeps no messages.
     */
    int forgetAccount(String account);
}
