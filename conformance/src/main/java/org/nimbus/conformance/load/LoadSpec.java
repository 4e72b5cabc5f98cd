package org.nimbus.conformance.load;

import java.time.Duration;
import java.util.Locale;

/**
 * What {@code --load sessions=N,rate=R,duration=T,mix=M} asks for. {@code duration} (and
 * {@code ping}) take {@code 30s}, {@code 2m}, {@code 500ms} or plain seconds. The idle mix also
 * takes {@code per_socket=S} (sessions sharing one UDP socket, as sessions behind one NAT binding
 * do; 1 by default) and {@code ping=T} (the kit pings each held session every T, 5 s by default;
 * 0 leaves only the server's own keepalives). The soak mix also takes {@code sample=T} (how often the
 * server's heap after GC, threads, file descriptors and sessions are sampled; 10 s by default),
 * {@code drain=T} (how long it waits after the load for the server to let every session go; 120 s
 * by default) and {@code out=DIR} (where the samples' CSV and PNG plot go; none by default).
 */
public record LoadSpec(int sessions, double rate, Duration duration, Mix mix, int group, boolean connect,
                       int perSocket, Duration ping, Duration sample, Duration drain, String out) {
    public static final Duration DEFAULT_PING = Duration.ofSeconds(5);
    public static final Duration DEFAULT_SAMPLE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(120);

    public enum Mix { HANDSHAKE, IDLE, INTRODUCE, CALL, LOOKUP, FANOUT, SOAK }

    /** Group 2 unless {@code group=} says otherwise: the DH group every session of the load selects. */
    public LoadSpec(int sessions, double rate, Duration duration, Mix mix) {
        this(sessions, rate, duration, mix, 2, false, 1, DEFAULT_PING, DEFAULT_SAMPLE, DEFAULT_DRAIN, null);
    }

    public static LoadSpec parse(String text) {
        Integer sessions = null;
        Double rate = null;
        Duration duration = null;
        Mix mix = null;
        int group = 2;
        boolean connect = false;
        int perSocket = 1;
        Duration ping = DEFAULT_PING;
        Duration sample = DEFAULT_SAMPLE;
        Duration drain = DEFAULT_DRAIN;
        String out = null;
        for (String part : text.split(",")) {
            String[] kv = part.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("expected key=value, got '" + part + "'");
            }
            String v = kv[1].trim();
            switch (kv[0].trim()) {
                case "sessions" -> sessions = Integer.parseInt(v);
                case "rate" -> rate = Double.parseDouble(v);
                case "duration" -> duration = duration(v);
                case "mix" -> mix = Mix.valueOf(v.toUpperCase(Locale.ROOT));
                case "group" -> group = Integer.parseInt(v);
                case "connect" -> connect = Boolean.parseBoolean(v);
                case "per_socket" -> perSocket = Integer.parseInt(v);
                case "ping" -> ping = duration(v);
                case "sample" -> sample = duration(v);
                case "drain" -> drain = duration(v);
                case "out" -> out = v;
                default -> throw new IllegalArgumentException("unknown load key '" + kv[0]
                        + "' (sessions, rate, duration, mix, group, connect, per_socket, ping, sample, drain, out)");
            }
        }
        if (sessions == null || rate == null || duration == null || mix == null) {
            throw new IllegalArgumentException("--load needs sessions=N,rate=R,duration=T,mix=handshake|idle|introduce|call|lookup|fanout|soak");
        }
        if (sessions < 1 || rate <= 0 || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("sessions, rate and duration must be positive");
        }
        if (org.nimbus.conformance.crypto.DhGroup.byId(group).isEmpty()) {
            throw new IllegalArgumentException("group " + group + " is not a DH group the kit knows (2, 5, 14, 15, 16)");
        }
        if (perSocket < 1 || ping.isNegative()) {
            throw new IllegalArgumentException("per_socket must be positive and ping not negative");
        }
        if (sample.compareTo(Duration.ofSeconds(1)) < 0 || drain.isNegative() || (out != null && out.isEmpty())) {
            throw new IllegalArgumentException("sample must be at least 1s, drain not negative, out a folder");
        }
        return new LoadSpec(sessions, rate, duration, mix, group, connect, perSocket, ping, sample, drain, out);
    }

    static Duration duration(String v) {
        if (v.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        if (v.endsWith("s")) {
            return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
        }
        if (v.endsWith("m")) {
            return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60_000));
        }
        return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
    }

    public String describe() {
        return "mix=" + mix.name().toLowerCase(Locale.ROOT) + " sessions=" + sessions + " rate=" + rate + "/s duration="
                + duration.toMillis() / 1000.0 + "s";
    }
}
