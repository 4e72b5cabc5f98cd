package org.nimbus.config;

import java.util.Arrays;
import java.util.List;
import org.nimbus.registry.RegistryService;
import org.nimbus.webrtc.IceServers;
import org.nimbus.webrtc.TurnCredentials;

/** The webrtc.* keys of nimbus.properties: signalling limits and the ICE servers pages get in welcome. */
public final class WebRtcSettings {
    public static final Setting<Integer> SIGNAL_RATE = Setting.intRange("webrtc.signal_rate", 40, 1, 1_000_000,
            "signal frames (offers, answers, ICE candidates) per second per registry connection");
    public static final Setting<Integer> MAX_SIGNAL_CHARS = Setting.intRange("webrtc.max_signal_chars", 16384, 256,
            1 << 20, "largest signal data (SDP or candidate, as JSON), in characters");
    public static final Setting<List<String>> STUN = new Setting<>("webrtc.stun", "",
            "empty, or comma-separated stun: / stuns: URLs", "STUN servers given to pages in welcome.iceServers",
            s -> urls(s, "stun:", "stuns:"));
    public static final Setting<List<String>> TURN = new Setting<>("webrtc.turn", "",
            "empty, or comma-separated turn: / turns: URLs", "TURN servers given to pages in welcome.iceServers",
            s -> urls(s, "turn:", "turns:"));
    public static final Setting<String> TURN_SECRET = new Setting<>("webrtc.turn_secret", "",
            "empty, or at least 16 characters", "coturn's static-auth-secret: TURN credentials are minted from it"
                    + " (coturn REST-API scheme); empty: TURN URLs are given without credentials", s -> {
                if (!s.isEmpty() && s.length() < 16) {
                    throw new IllegalArgumentException("too short");
                }
                return s;
            });
    public static final Setting<Integer> TURN_TTL = Setting.intRange("webrtc.turn_ttl", 86400, 60, 30 * 86400,
            "seconds a minted TURN credential stays valid");

    static final List<Setting<?>> ALL = List.of(SIGNAL_RATE, MAX_SIGNAL_CHARS, STUN, TURN, TURN_SECRET, TURN_TTL);

    private WebRtcSettings() {
    }

    public static RegistryService.WebRtc webrtc(NimbusConfig c) {
        String secret = c.get(TURN_SECRET);
        TurnCredentials creds = secret.isEmpty() ? null : new TurnCredentials(secret, c.get(TURN_TTL));
        return new RegistryService.WebRtc(c.get(SIGNAL_RATE), c.get(MAX_SIGNAL_CHARS),
                new IceServers(c.get(STUN), c.get(TURN), creds));
    }

    private static List<String> urls(String s, String... schemes) {
        if (s.isEmpty()) {
            return List.of();
        }
        List<String> out = Arrays.stream(s.split(",")).map(String::trim).toList();
        for (String u : out) {
            if (Arrays.stream(schemes).noneMatch(p -> u.startsWith(p) && u.length() > p.length()) || u.matches(".*\\s.*")) {
                throw new IllegalArgumentException("'" + u + "' is not a " + String.join(" or ", schemes) + " URL");
            }
        }
        return out;
    }
}
