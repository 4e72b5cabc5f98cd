package org.nimbus.registry;

import com.google.gson.JsonObject;

/**
 * Frames for connections that another node holds (presence events, relayed messages): the
 * cluster edge publishes them to that node, which hands them to its service
 * ({@link RegistryService#deliver}). Alone, there are no such connections. Called under the
 * service's lock: an implementation only queues.
 */
public interface NodeLink {
    NodeLink NONE = (to, frame) -> {
    };

    void deliver(RegistryStore.ConnectionId to, JsonObject frame);
}
