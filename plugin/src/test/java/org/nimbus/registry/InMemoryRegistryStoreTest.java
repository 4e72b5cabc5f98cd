package org.nimbus.registry;

/** The store contract on the one-node store. */
class InMemoryRegistryStoreTest extends RegistryStoreContract {
    @Override
    protected RegistryStore store() {
        return new InMemoryRegistryStore();
    }
}
