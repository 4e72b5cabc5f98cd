package org.nimbus.conformance;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nimbus.conformance.wire.Hex;

/** Loads docs/vectors (system property nimbus.vectors, see docs/vectors/README.md) for byte-vector tests. */
public final class Vectors {
    public static final String STARTUP = "startup-librtmfp-mona.json";
    public static final String TC_MONA = "tc-mona.json";
    public static final List<String> SET2 = List.of("session-probe-tcserver-HS-g2.json",
            "session-probe-tcserver-HS-g14.json", "session-probe-tcserver-default-g2.json",
            "session-probe-tcserver-auth-g2.json");

    private static final Map<String, JsonObject> CACHE = new TreeMap<>();

    private Vectors() {
    }

    public static Path folder() {
        return Path.of(System.getProperty("nimbus.vectors", "../docs/vectors"));
    }

    public static synchronized JsonObject file(String name) {
        return CACHE.computeIfAbsent(name, n -> {
            try (Reader r = Files.newBufferedReader(folder().resolve(n))) {
                return JsonParser.parseReader(r).getAsJsonObject();
            } catch (IOException e) {
                throw new IllegalStateException("vector file " + n + " not found under " + folder(), e);
            }
        });
    }

    public static List<String> allFiles() {
        List<String> all = new ArrayList<>(SET2);
        all.add(STARTUP);
        all.add(TC_MONA);
        return all;
    }

    /** One captured datagram and where it came from. */
    public record Pkt(String source, JsonObject json) {
        public byte[] bytes(String field) {
            return Hex.decode(json.get(field).getAsString());
        }

        public String str(String field) {
            return json.get(field).getAsString();
        }

        public boolean has(String field) {
            return json.has(field) && !json.get(field).isJsonNull();
        }

        @Override
        public String toString() {
            return source + "#" + json.get("index").getAsInt() + " " + json.get("label").getAsString();
        }
    }

    /** Every packet object of every file. */
    public static List<Pkt> allPackets() {
        List<Pkt> out = new ArrayList<>();
        for (String f : SET2) {
            add(out, f, file(f).getAsJsonArray("packets"));
        }
        for (JsonElement run : file(STARTUP).getAsJsonArray("runs")) {
            JsonObject r = run.getAsJsonObject();
            String name = STARTUP + "/" + r.get("name").getAsString();
            add(out, name + "/handshake", r.getAsJsonArray("handshake_packets"));
            add(out, name + "/session", r.getAsJsonObject("session").getAsJsonArray("packets"));
        }
        JsonObject tc = file(TC_MONA).getAsJsonObject("packets");
        for (String scenario : tc.keySet()) {
            add(out, TC_MONA + "/" + scenario, tc.getAsJsonArray(scenario));
        }
        return out;
    }

    private static void add(List<Pkt> out, String source, JsonArray packets) {
        for (JsonElement e : packets) {
            out.add(new Pkt(source, e.getAsJsonObject()));
        }
    }

    public static byte[] hex(JsonObject o, String field) {
        return Hex.decode(o.get(field).getAsString());
    }
}
