package org.nimbus.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Properties;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.nimbus.registry.RegistryService;

class WebRtcSettingsTest {
    @Test
    void emptyByDefaultMeansHostCandidatesOnly() {
        RegistryService.WebRtc w = WebRtcSettings.webrtc(NimbusConfig.defaults());
        assertEquals(0, w.iceServers().forName("alice", 0).size());
        assertEquals(40, w.signalRate());
        assertEquals(16384, w.maxSignalChars());
    }

    @Test
    void turnCredentialsFollowTheCoturnRestScheme() throws Exception {
        Properties p = new Properties();
        p.setProperty("webrtc.stun", "stun:127.0.0.1:3478");
        p.setProperty("webrtc.turn", "turn:127.0.0.1:3478?transport=udp, turns:turn.example.org:5349");
        p.setProperty("webrtc.turn_secret", "0123456789abcdef-secret");
        p.setProperty("webrtc.turn_ttl", "600");
        JsonArray a = WebRtcSettings.webrtc(NimbusConfig.from(p)).iceServers().forName("alice", 1_700_000_000_000L);
        assertEquals(2, a.size());
        assertEquals("stun:127.0.0.1:3478", a.get(0).getAsJsonObject().getAsJsonArray("urls").get(0).getAsString());
        JsonObject turn = a.get(1).getAsJsonObject();
        assertEquals(2, turn.getAsJsonArray("urls").size());
        assertEquals("1700000600:alice", turn.get("username").getAsString());
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec("0123456789abcdef-secret".getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        String expected = Base64.getEncoder().encodeToString(mac.doFinal("1700000600:alice".getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, turn.get("credential").getAsString());
    }

    @Test
    void badValuesNameTheKey() {
        for (String[] kv : new String[][] {{"webrtc.stun", "http://x"}, {"webrtc.turn", "stun:x"}, {"webrtc.turn", "turn:"},
            {"webrtc.turn_secret", "short"}, {"webrtc.turn_ttl", "5"}, {"webrtc.signal_rate", "0"},
            {"webrtc.max_signal_chars", "10"}}) {
            Properties p = new Properties();
            p.setProperty(kv[0], kv[1]);
            ConfigException e = assertThrows(ConfigException.class, () -> NimbusConfig.from(p));
            assertTrue(e.getMessage().contains(kv[0]), e.getMessage());
        }
    }
}
