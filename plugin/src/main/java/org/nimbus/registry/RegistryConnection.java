package org.nimbus.registry;

import com.google.gson.JsonObject;

/**
 * The registry's handle on one client connection, implemented by each transport (TCP,
 * WebSocket, Red5 NetConnection). The registry calls these while holding its lock, so both
 * must only queue work: never block on the network and never call back into the registry.
 */
public interface RegistryConnection {
    /** Queues one message (a reply or a server-initiated frame) for the client. */
    void send(JsonObject message);

    /** Ends the connection once queued messages are written; the transport then reports the close. */
    void close();

    /** The transport's name in the registry's figures ("tcp", "websocket", "rtmp", "reg.cgi"). */
    default String transport() {
        return "other";
    }
}
