package org.nimbus.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;

/**
 * The node's two Redis connections (commands, and pub/sub, which a subscribed connection
 * cannot share), through one Lettuce client. While Redis is away, commands fail at once rather
 * than queue (the registry answers cluster-unavailable), and Lettuce reconnects on its own.
 */
public final class RedisConnections implements AutoCloseable {
    /** The longest a registry call waits for Redis (it holds the registry's lock meanwhile). */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> commands;
    private final StatefulRedisPubSubConnection<String, String> pubsub;

    private RedisConnections(RedisClient client, StatefulRedisConnection<String, String> commands,
                             StatefulRedisPubSubConnection<String, String> pubsub) {
        this.client = client;
        this.commands = commands;
        this.pubsub = pubsub;
    }

    /** Connects both; Redis unreachable is an IllegalStateException naming the URI (its password masked). */
    public static RedisConnections open(String uri) {
        RedisURI u = RedisURI.create(uri);
        u.setTimeout(COMMAND_TIMEOUT);
        RedisClient client = RedisClient.create(u);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        StatefulRedisConnection<String, String> commands = null;
        try {
            commands = client.connect();
            commands.sync().ping();
            return new RedisConnections(client, commands, client.connectPubSub());
        } catch (RedisException e) {
            if (commands != null) {
                commands.close();
            }
            client.shutdown();
            throw new IllegalStateException("cluster.redis: cannot reach Redis at " + masked(uri) + ": "
                    + e.getMessage(), e);
        }
    }

    /** The URI with any password replaced, fit for a log line. */
    static String masked(String uri) {
        return uri.replaceFirst("^([a-z-]+://)[^@/]*@", "$1***@");
    }

    public StatefulRedisConnection<String, String> commands() {
        return commands;
    }

    public StatefulRedisPubSubConnection<String, String> pubsub() {
        return pubsub;
    }

    @Override
    public void close() {
        pubsub.close();
        commands.close();
        client.shutdown();
    }
}
