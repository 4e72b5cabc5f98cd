package org.nimbus.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The registry's name keys and text lengths against docs/registry-cases.json, the cases the Flash
 * client's Haxe tests check too (one definition: the server's, stated once). Keys travel to
 * clients in welcome/found/presence ({@code key}) and message ({@code fromKey}) frames.
 */
class RegistryCasesTest {
    static JsonObject cases() throws Exception {
        return JsonParser.parseString(Files.readString(Path.of("../docs/registry-cases.json"))).getAsJsonObject();
    }

    @Test
    void namesFoldToTheKeysTheCasesGive() throws Exception {
        for (JsonElement e : cases().getAsJsonArray("names")) {
            JsonObject c = e.getAsJsonObject();
            String name = c.get("name").getAsString();
            assertEquals(c.get("key").getAsString(), Names.key(name), name);
        }
    }

    @Test
    void textLengthsAreCodePointsAndTheLimitIsExact() throws Exception {
        JsonObject all = cases();
        int max = all.get("maxTextChars").getAsInt();
        assertEquals(RegistryLimits.defaults().maxTextChars(), max);
        Fixture f = new Fixture();
        Fixture.Client from = f.account("sender");
        Fixture.Client to = f.account("receiver");
        to.call("{\"op\":\"register\",\"relay\":true}");
        for (JsonElement e : all.getAsJsonArray("texts")) {
            JsonObject c = e.getAsJsonObject();
            String text = c.get("text").getAsString();
            int points = c.get("codePoints").getAsInt();
            assertEquals(points, text.codePointCount(0, text.length()), text);
            if (points == 0) {
                continue;
            }
            // filled up to the limit exactly with this text's code points: taken; one more: too long
            String fill = fill(text, max);
            assertEquals("sent", op(from, fill), "exactly " + max + " code points of " + text);
            assertEquals(ErrorCodes.TOO_LONG, code(from, fill + "x"), "one more than " + max);
        }
        JsonObject msg = to.conn.ofOp("message").get(0);
        assertEquals(Names.key("sender"), msg.get("fromKey").getAsString());
    }

    /** {@code text}'s code points repeated to exactly {@code max} of them. */
    static String fill(String text, int max) {
        int[] cps = text.codePoints().toArray();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < max; i++) {
            b.appendCodePoint(cps[i % cps.length]);
        }
        return b.toString();
    }

    private static String op(Fixture.Client c, String text) {
        return send(c, text).get("op").getAsString();
    }

    private static String code(Fixture.Client c, String text) {
        return send(c, text).get("code").getAsString();
    }

    private static JsonObject send(Fixture.Client c, String text) {
        JsonObject r = new JsonObject();
        r.addProperty("op", "send");
        r.addProperty("to", "receiver");
        r.addProperty("text", text);
        return c.call(r.toString());
    }
}
