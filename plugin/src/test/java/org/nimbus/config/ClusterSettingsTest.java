package org.nimbus.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {
    private static final String SECRET = "0123456789abcdef";

    private static NimbusConfig of(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return NimbusConfig.from(p);
    }

    private static void refused(String key, String... kv) {
        ConfigException e = assertThrows(ConfigException.class, () -> of(kv));
        assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
    }

    @Test
    void emptyRedisIsOneNodeWithNothingElseRequired() {
        NimbusConfig c = NimbusConfig.defaults();
        assertFalse(ClusterSettings.enabled(c));
        assertEquals(5, c.get(ClusterSettings.HEARTBEAT));
        assertTrue(c.get(ClusterSettings.ADVERTISE).isEmpty());
    }

    @Test
    void aClusterNeedsANodeNameAndASecretOfSixteenBytes() {
        NimbusConfig c = of("cluster.redis", "redis://127.0.0.1:6379/0", "cluster.node_id", "a-1",
                "cluster.secret", SECRET, "cluster.advertise", "192.0.2.1:1935", "cluster.heartbeat", "2");
        assertTrue(ClusterSettings.enabled(c));
        assertEquals("a-1", c.get(ClusterSettings.NODE));
        assertEquals(1935, c.get(ClusterSettings.ADVERTISE).get(0).getPort());
        refused("cluster.node_id", "cluster.redis", "redis://127.0.0.1", "cluster.secret", SECRET);
        refused("cluster.secret", "cluster.redis", "redis://127.0.0.1", "cluster.node_id", "a");
        refused("cluster.secret", "cluster.redis", "redis://127.0.0.1", "cluster.node_id", "a", "cluster.secret", "short");
        // 15 characters but 16 bytes in UTF-8: bytes count
        assertEquals(16, of("cluster.secret", "é0123456789abcd").get(ClusterSettings.SECRET).getBytes(
                java.nio.charset.StandardCharsets.UTF_8).length);
        refused("cluster.secret", "cluster.secret", "0123456789abcd");
    }

    @Test
    void badValuesNameTheirKey() {
        refused("cluster.redis", "cluster.redis", "http://127.0.0.1:6379");
        refused("cluster.redis", "cluster.redis", "redis://");
        refused("cluster.redis", "cluster.redis", "not a uri");
        refused("cluster.node_id", "cluster.node_id", "a b");
        refused("cluster.node_id", "cluster.node_id", "x".repeat(65));
        refused("cluster.advertise", "cluster.advertise", "nohost");
        refused("cluster.heartbeat", "cluster.heartbeat", "0");
        assertTrue(ClusterSettings.enabled(of("cluster.redis", "redis-sentinel://10.0.0.5:26379/0#mymaster",
                "cluster.node_id", "n", "cluster.secret", SECRET)));
    }
}
