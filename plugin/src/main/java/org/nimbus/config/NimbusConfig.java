package org.nimbus.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The validated, immutable contents of nimbus.properties. Every key is declared in
 * {@link #SETTINGS} with its default and what it accepts; an unknown key or a bad value is a
 * {@link ConfigException} naming the key, never a silent default.
 */
public final class NimbusConfig {

    public static final Setting<List<InetSocketAddress>> RTMFP_BIND = new Setting<>("rtmfp.bind", "*:1935",
            "comma-separated host:port, [ipv6]:port or *:port (host an IP literal or localhost, port 1-65535)",
            "UDP addresses of the RTMFP endpoint; * is the dual-stack wildcard", BindAddresses::parse);

    /** Every key, in the order the README documents them. */
    public static final List<Setting<?>> SETTINGS = Stream.concat(List.of(RTMFP_BIND).stream(),
            RegistrySettings.ALL.stream()).toList();

    private final Map<String, Object> values;

    private NimbusConfig(Map<String, Object> values) {
        this.values = values;
    }

    public static NimbusConfig defaults() {
        return from(new Properties());
    }

    public static NimbusConfig from(Properties props) {
        TreeSet<String> unknown = new TreeSet<>(props.stringPropertyNames());
        Map<String, Object> values = new LinkedHashMap<>();
        for (Setting<?> s : SETTINGS) {
            unknown.remove(s.key());
            String text = props.getProperty(s.key(), s.defaultValue());
            values.put(s.key(), s.parse(text));
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException("nimbus.properties: unknown key(s) " + unknown + "; known keys: "
                    + SETTINGS.stream().map(Setting::key).toList());
        }
        return new NimbusConfig(Map.copyOf(values));
    }

    /** Reads the file; a missing file means all defaults. */
    public static NimbusConfig load(Path file) throws IOException {
        Properties props = new Properties();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                props.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            }
        }
        return from(props);
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        return (T) values.get(setting.key());
    }
}
