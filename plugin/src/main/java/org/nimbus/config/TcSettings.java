package org.nimbus.config;

import java.util.List;
import java.util.regex.Pattern;

/** The keys of nimbus.properties for NetConnections over RTMFP (the TC layer's Red5 bridge). */
public final class TcSettings {
    private static final Pattern APP = Pattern.compile("[A-Za-z0-9_.-]+");

    public static final Setting<String> DEFAULT_APP = new Setting<>("tc.default_app", "nimbus",
            "empty (off), or a Red5 application name (letters, digits, '_', '-', '.')",
            "application an RTMFP connect enters when no application serves its path", s -> {
                if (!s.isEmpty() && !APP.matcher(s).matches()) {
                    throw new IllegalArgumentException("not an application name");
                }
                return s;
            });
    public static final Setting<Integer> THREADS = Setting.intRange("tc.threads", 8, 1, 1024,
            "threads that run Red5 work (connect, calls, stream commands) for RTMFP connections");

    public static final Setting<Integer> MEDIA_BUFFER_BYTES = Setting.intRange("tc.media_buffer_bytes", 262_144, 16_384,
            67_108_864, "unacknowledged bytes one RTMFP stream flow may hold: past half of it video inter frames "
                    + "toward that client are dropped, past all of it audio and video");

    public static final Setting<Integer> MAX_STREAMS = Setting.intRange("tc.max_streams", 32, 1, 300,
            "NetStreams one RTMFP NetConnection may hold at once (createStream beyond it is answered with _error)");

    public static final Setting<java.util.Set<String>> KEYS = new Setting<>("tc.keys", "",
            "empty (any key), or developer keys separated by commas (letters, digits, '_', '-', '.')",
            "developer keys an RTMFP connect may name (path rtmfp://host/KEY or first connect argument); empty with no "
                    + "tc.keys_file: any", TcSettings::keyList);
    public static final Setting<String> KEYS_FILE = new Setting<>("tc.keys_file", "",
            "empty, or a file path (relative paths from the Red5 conf folder)",
            "a file of developer keys, one per line ('#' comments), read again when it changes", s -> s);

    static final List<Setting<?>> ALL = List.of(DEFAULT_APP, THREADS, MEDIA_BUFFER_BYTES, MAX_STREAMS, KEYS, KEYS_FILE);

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

    /** Keys in text: separated by commas or white space; each 1-128 of letters, digits, '_', '-', '.'. */
    public static java.util.Set<String> keyList(String text) {
        java.util.Set<String> keys = new java.util.LinkedHashSet<>();
        for (String k : text.split("[,\\s]+")) {
            if (k.isEmpty()) {
                continue;
            }
            if (!KEY.matcher(k).matches()) {
                throw new IllegalArgumentException("not a developer key: " + (k.length() > 40 ? k.substring(0, 40) + "…" : k));
            }
            keys.add(k);
        }
        return keys;
    }

    private TcSettings() {
    }
}
