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

    static final List<Setting<?>> ALL = List.of(DEFAULT_APP, THREADS, MEDIA_BUFFER_BYTES, MAX_STREAMS);

    private TcSettings() {
    }
}
