package org.nimbus.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nimbus.registry.ErrorCodes;
import org.nimbus.registry.RegistryException;
import org.nimbus.registry.RegistryStore;
import org.nimbus.registry.RegistryStore.ConnectionId;
import org.nimbus.registry.RegistryStore.Hold;
import org.nimbus.registry.RegistryStore.Registration;
import org.nimbus.registry.RegistryStoreContract;

/** The store contract on Redis (a real redis-server), and what only a shared store has: several nodes, and node loss. */
class RedisRegistryStoreTest extends RegistryStoreContract {
    private static final long TTL = 60_000;
    private static RedisServer server;
    private static RedisClient client;
    private static StatefulRedisConnection<String, String> connection;
    private static RedisCommands<String, String> redis;

    @BeforeAll
    static void startRedis() throws Exception {
        server = new RedisServer();
        client = RedisClient.create(server.uri());
        connection = client.connect();
        redis = connection.sync();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        connection.close();
        client.shutdown();
        server.close();
    }

    @BeforeEach
    void empty() {
        redis.flushall();
    }

    private static RedisRegistryStore node(String name) {
        RedisRegistryStore s = new RedisRegistryStore(redis, name);
        s.heartbeat("", TTL);
        return s;
    }

    @Override
    protected RegistryStore store() {
        return node("n1");
    }

    @Test
    void nodesShareNamesRegistrationsAndTheBound() {
        RedisRegistryStore a = node("a");
        RedisRegistryStore b = node("b");
        ConnectionId a1 = new ConnectionId("a", 1);
        ConnectionId b1 = new ConnectionId("b", 1);
        assertEquals(Hold.NEW, a.hold("alice", a1, false, false, 2));
        assertEquals(Hold.JOINED, b.hold("alice", b1, false, false, 2));
        assertEquals(Hold.NEW, b.hold("guest-x", new ConnectionId("b", 2), true, true, 2));
        assertEquals(Hold.TAKEN, a.hold("guest-x", new ConnectionId("a", 2), true, true, 2), "the same guest name elsewhere");
        assertEquals(Hold.FULL, a.hold("carol", new ConnectionId("a", 3), false, false, 2), "the bound is the cluster's");
        assertTrue(b.register("alice", new Registration(b1, "Alice", "1".repeat(64), false)));
        assertFalse(a.register("alice", new Registration(a1, "Alice", null, false)));
        assertEquals(List.of(a1, b1), a.registrations("alice").stream().map(Registration::connection).toList());
        assertEquals(1, a.registrationCount(), "each node counts its own connections' registrations");
        b.subscribe("alice", new ConnectionId("b", 9));
        assertEquals(List.of(new ConnectionId("b", 9)), a.subscribers("alice"));
    }

    @Test
    void aDeadNodesStateIsInvisibleOnceItsHeartbeatGoesAndReapedThen() {
        RedisRegistryStore a = node("a");
        RedisRegistryStore b = node("b-2.x");
        ConnectionId b1 = new ConnectionId("b-2.x", 1);
        b.hold("bob", b1, false, false, 10);
        b.register("bob", new Registration(b1, "Bob", "1".repeat(64), false));
        b.subscribe("alice", b1);
        b.hold("alice", new ConnectionId("b-2.x", 2), false, false, 10);
        a.hold("alice", new ConnectionId("a", 1), false, false, 10);
        long pttl = redis.pttl("nimbus:node:b-2.x");
        assertTrue(pttl > 0 && pttl <= TTL, "the heartbeat expires: " + pttl);
        assertEquals(List.of(), a.reap("b-2.x"), "alive: nothing is reaped");
        assertTrue(a.isHeld("bob"));

        redis.del("nimbus:node:b-2.x"); // what its expiry does
        assertFalse(a.isHeld("bob"), "at once invisible");
        assertEquals(List.of(), a.registrations("bob"));
        assertEquals(List.of(), a.subscribers("alice"));
        assertTrue(a.isHeld("alice"), "still held by a live node");
        assertEquals(List.of("Bob"), a.reap("b-2.x"), "Bob went offline with it");
        assertEquals(List.of(), a.reap("b-2.x"), "once");
        assertEquals(1, a.names(false), "only alice is left");
        assertEquals(List.of("a"), a.nodes());
        assertFalse(redis.exists("nimbus:refs:b-2.x") > 0);
        assertFalse(redis.exists("nimbus:regs:bob") > 0);
    }

    @Test
    void aNodeForgetsWhatItLeftBeforeAndItsHeartbeatSaysWhenItWasMissing() {
        RedisRegistryStore a = node("a");
        ConnectionId a1 = new ConnectionId("a", 1);
        a.hold("alice", a1, false, false, 10);
        a.register("alice", new Registration(a1, "Alice", null, false));
        assertFalse(a.heartbeat("", TTL), "present: a refresh");
        assertEquals(List.of("Alice"), a.forgetOwn());
        assertFalse(a.isHeld("alice"));
        assertEquals(0, a.registrationCount());
        redis.del("nimbus:node:a");
        assertTrue(a.heartbeat("", TTL), "missing: the node must republish");
    }

    @Test
    void redisUnreachableAtStartNamesTheUri() throws Exception {
        int port;
        try (RedisServer other = new RedisServer()) {
            port = other.port();
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RedisConnections.open("redis://:hunter2@127.0.0.1:" + port + "/0"));
        assertTrue(e.getMessage().contains("redis://***@127.0.0.1:" + port + "/0"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void redisGoneIsClusterUnavailable() throws Exception {
        try (RedisServer other = new RedisServer()) {
            try (RedisConnections conn = RedisConnections.open(other.uri())) {
                RedisRegistryStore s = new RedisRegistryStore(conn.commands().sync(), "z");
                s.heartbeat("", TTL);
                other.stop();
                RegistryException e = assertThrows(RegistryException.class, () -> s.isHeld("alice"));
                assertEquals(ErrorCodes.CLUSTER_UNAVAILABLE, e.code());
            }
        }
    }
}
