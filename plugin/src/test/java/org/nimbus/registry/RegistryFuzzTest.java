package org.nimbus.registry;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nimbus.fuzz.Fuzz;
import org.nimbus.fuzz.Guard;
import org.nimbus.fuzz.Mutations;

/**
 * The registry's network decoders (docs/registry.md): length-prefixed JSON frames over TCP and
 * in WebSocket binary messages (FrameDecoder, Frames, StreamSession: the same path for both; the
 * WebSocket framing itself is Tomcat's), the Flash policy-file request (PolicyFile) and the Cirrus
 * web service's parameters (RegCgi). Seeds are conversations of valid frames, mutated; a
 * StreamSession must answer or close, never throw.
 */
class RegistryFuzzTest {
    private static final List<String> REQUESTS = List.of(
            "{\"op\":\"hello\",\"v\":1,\"guest\":true,\"id\":1}",
            "{\"op\":\"hello\",\"v\":1,\"token\":\"alice.1700000000.abcdef\",\"id\":1}",
            "{\"op\":\"register\",\"peerId\":\"" + "a1".repeat(32) + "\",\"id\":2}",
            "{\"op\":\"register\",\"relay\":true,\"id\":2}",
            "{\"op\":\"unregister\",\"peerId\":\"" + "a1".repeat(32) + "\",\"id\":3}",
            "{\"op\":\"lookup\",\"name\":\"nobody\",\"id\":4}",
            "{\"op\":\"subscribe\",\"names\":[\"dave\",\"nobody\"],\"id\":5}",
            "{\"op\":\"unsubscribe\",\"names\":[\"DAVE\"],\"id\":6}",
            "{\"op\":\"send\",\"to\":\"bob\",\"body\":{\"x\":[1,2.5e300,-0,null,true,\"\\u00e9\"]},\"id\":7}",
            "{\"op\":\"ping\",\"id\":8}");

    /** Whole conversations: hello, then the other requests, framed. */
    static List<byte[]> conversations() {
        List<byte[]> out = new ArrayList<>();
        for (int i = 2; i < REQUESTS.size(); i++) {
            out.add(concat(frame(REQUESTS.get(0)), frame(REQUESTS.get(i))));
        }
        out.add(concat(frame(REQUESTS.get(1)), frame(REQUESTS.get(5)), frame(REQUESTS.get(9))));
        return out;
    }

    private static byte[] frame(String json) {
        byte[] j = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + j.length).putInt(j.length).put(j).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    private final Fixture f = new Fixture();
    private int client;

    private static List<byte[]> streams() {
        List<byte[]> seeds = new ArrayList<>(conversations());
        seeds.add(PolicyFile.REQUEST);
        return seeds;
    }

    /** Where a stream is cut in two (TCP segments, WebSocket messages). */
    private static int cut(Random r, byte[] s) {
        return r.nextInt(Math.min(4096, s.length) + 1);
    }

    @Test
    void framesDecodeOrAreRefused() {
        Fuzz.bytes("registry frames", streams(), (s, r) -> {
            int at = cut(r, s);
            Guard.check(s, () -> {
                FrameDecoder d = new FrameDecoder(RegistryLimits.defaults().maxFrameBytes());
                ByteBuffer in = ByteBuffer.wrap(s);
                in.limit(at);
                d.feed(in, Frames::parse);
                in.limit(s.length);
                d.feed(in, Frames::parse);
            }, FrameDecoder.FrameTooLargeException.class);
        });
    }

    @Test
    void streamSessionsAnswerOrClose() {
        Fuzz.bytes("registry stream sessions", streams(), (s, r) -> {
            int at = cut(r, s);
            Guard.check(s, () -> {
                f.clock.advance(60_000); // rate limits refill: each input is a fresh client
                StreamSession session = new StreamSession(f.protocol, new StreamSessionTest.Wire(),
                        PolicyFile.answer(List.of(1935)));
                if (session.open("198.51.100." + (client++ % 250))) {
                    session.onBytes(ByteBuffer.wrap(s, 0, at));
                    session.onTextMessage(); // a WebSocket text message in between
                    session.onBytes(ByteBuffer.wrap(s, at, s.length - at));
                    session.onClosed();
                }
            });
        });
    }

    @Test
    void policyRequestsMatchOrNot() {
        Fuzz.bytes("policy requests", streams(), (s, r) -> Guard.check(s, () -> {
            PolicyFile m = PolicyFile.matcher();
            ByteBuffer in = ByteBuffer.wrap(s);
            while (in.hasRemaining() && m.feed(in) == PolicyFile.Match.MORE) {
                // fed to its end or its mismatch
            }
        }));
    }

    private static String describe(Map<String, String[]> params) {
        StringBuilder b = new StringBuilder();
        params.forEach((k, v) -> b.append(new com.google.gson.Gson().toJson(k)).append('=').append(new com.google.gson.Gson().toJson(v)).append(' '));
        return b.toString();
    }

    // ---- reg.cgi ----

    private static final List<String> CGI_KEYS = List.of("username", "identity", "friends", "time", "token");
    private final RegCgi cgi = new RegCgi(f.service, f.tokens, false, 1_000_000);

    private static final List<byte[]> CGI_VALUES = new ArrayList<>();

    static {
        for (String v : List.of("alice", "Bob", "a1".repeat(32), "0", "1700000000123", "alice.1700000000.abc", "é\u0000<&>\"")) {
            CGI_VALUES.add(v.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Up to 6 parameters, each a known name or a mutated value, with 0 to 3 mutated values. */
    static Map<String, String[]> cgiParams(Random r) {
        Map<String, String[]> params = new HashMap<>();
        int n = r.nextInt(7);
        for (int i = 0; i < n; i++) {
            String key = r.nextBoolean() ? CGI_KEYS.get(r.nextInt(CGI_KEYS.size())) : cgiValue(r);
            String[] vs = new String[r.nextInt(4)];
            for (int j = 0; j < vs.length; j++) {
                vs[j] = cgiValue(r);
            }
            params.put(key, vs);
        }
        return params;
    }

    private static String cgiValue(Random r) {
        return new String(Mutations.next(CGI_VALUES, r), StandardCharsets.UTF_8);
    }

    @Test
    void regCgiAnswersAnyParameters() {
        Fuzz.run("reg.cgi parameters", RegistryFuzzTest::cgiParams, RegistryFuzzTest::describe, (params, r) -> regCgi(params));
    }

    private void regCgi(Map<String, String[]> params) {
        int size = 0;
        for (Map.Entry<String, String[]> e : params.entrySet()) {
            size += e.getKey().length() * 3;
            for (String v : e.getValue()) {
                size += v.length() * 3;
            }
        }
        Map<String, String[]> copy = new HashMap<>(params);
        Guard.check(size, () -> "parameters " + describe(copy), () -> {
            RegCgi.Reply r = cgi.handle("192.0.2." + (client++ % 250), copy);
            if (r.status() != 200 && r.status() != 400 && r.status() != 403 && r.status() != 429) {
                throw new AssertionError("reg.cgi answered " + r.status() + " " + r.body());
            }
        });
    }
}
