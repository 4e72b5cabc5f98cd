package org.nimbus.fuzz;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nimbus.rtmfp.packet.Vectors;

/**
 * Valid messages to mutate: every hex string of the captured vectors (docs/vectors) under the
 * given JSON keys, e.g. {@code datagram_hex} (raw datagrams), {@code decrypted_hex} (packets),
 * {@code payload_hex} (chunk payloads), {@code certificate_hex}, {@code messageHex} (TC messages).
 */
public final class Seeds {
    private static final HexFormat HEX = HexFormat.of();

    private Seeds() {
    }

    /** Distinct byte strings found under any of {@code keys}, in file order. */
    public static List<byte[]> fromVectors(String... keys) {
        Map<String, byte[]> found = new LinkedHashMap<>();
        Set<String> wanted = Set.of(keys);
        for (JsonObject file : Vectors.files().values()) {
            collect(file, null, wanted, found);
        }
        if (found.isEmpty()) {
            throw new IllegalStateException("no vector holds any of " + wanted);
        }
        return new ArrayList<>(found.values());
    }

    private static void collect(JsonElement e, String key, Set<String> wanted, Map<String, byte[]> found) {
        if (e.isJsonObject()) {
            for (Map.Entry<String, JsonElement> en : e.getAsJsonObject().entrySet()) {
                collect(en.getValue(), en.getKey(), wanted, found);
            }
        } else if (e.isJsonArray()) {
            for (JsonElement x : e.getAsJsonArray()) {
                collect(x, key, wanted, found);
            }
        } else if (key != null && wanted.contains(key) && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            String s = e.getAsString();
            if (s.length() % 2 == 0 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                found.putIfAbsent(s, HEX.parseHex(s));
            }
        }
    }
}
