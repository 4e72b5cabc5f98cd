package org.nimbus.rtmfp.packet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The captured interop vectors (docs/vectors, see its README): files by name, and every packet
 * object (anything with a {@code datagram_hex}) found anywhere in them. The folder comes from the
 * {@code nimbus.vectors} system property that surefire sets.
 */
public final class Vectors {
    private static final HexFormat HEX = HexFormat.of();
    private static Map<String, JsonObject> files;

    private Vectors() {
    }

    public static Path dir() {
        String configured = System.getProperty("nimbus.vectors");
        Path dir = configured != null ? Paths.get(configured) : Paths.get("../docs/vectors");
        return dir.toAbsolutePath().normalize();
    }

    public static synchronized Map<String, JsonObject> files() {
        if (files == null) {
            Path dir = dir();
            assertTrue(Files.isDirectory(dir), "vectors folder not found: " + dir + " (set -Dnimbus.vectors)");
            Map<String, JsonObject> loaded = new TreeMap<>();
            try (Stream<Path> list = Files.list(dir)) {
                for (Path f : list.filter(p -> p.toString().endsWith(".json")).toList()) {
                    loaded.put(f.getFileName().toString(), JsonParser.parseString(Files.readString(f)).getAsJsonObject());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            assertTrue(loaded.size() >= 6, "expected the six vector files in " + dir);
            files = loaded;
        }
        return files;
    }

    public static JsonObject file(String name) {
        JsonObject o = files().get(name);
        assertTrue(o != null, "missing vector file " + name);
        return o;
    }

    /** A packet object with the name of the file it came from. */
    public record NamedPacket(String file, JsonObject packet) {
        public String name() {
            return file + "#" + packet.get("index").getAsInt() + " " + packet.get("label").getAsString();
        }
    }

    public static List<NamedPacket> packets() {
        List<NamedPacket> out = new ArrayList<>();
        files().forEach((name, json) -> collect(name, json, out));
        return out;
    }

    private static void collect(String file, JsonElement e, List<NamedPacket> out) {
        if (e.isJsonObject()) {
            JsonObject o = e.getAsJsonObject();
            if (o.has("datagram_hex")) {
                out.add(new NamedPacket(file, o));
                return;
            }
            for (Map.Entry<String, JsonElement> m : o.entrySet()) {
                collect(file, m.getValue(), out);
            }
        } else if (e.isJsonArray()) {
            for (JsonElement x : e.getAsJsonArray()) {
                collect(file, x, out);
            }
        }
    }

    public static byte[] hex(JsonObject o, String field) {
        return HEX.parseHex(o.get(field).getAsString());
    }

    public static byte[] hex(String s) {
        return HEX.parseHex(s);
    }

    public static String hex(byte[] b) {
        return HEX.formatHex(b);
    }
}
