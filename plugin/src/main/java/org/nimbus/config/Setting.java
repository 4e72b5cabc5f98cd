package org.nimbus.config;

import java.util.function.Function;

/**
 * One documented key of nimbus.properties: its default, what it accepts, and the parser that
 * turns text into a value (throwing IllegalArgumentException for anything else).
 */
public record Setting<T>(String key, String defaultValue, String accepts, String description,
                         Function<String, T> parser) {

    T parse(String text) {
        try {
            return parser.apply(text.trim());
        } catch (IllegalArgumentException e) {
            String why = e.getMessage() == null ? "" : " (" + e.getMessage() + ")";
            throw new ConfigException("nimbus.properties: bad value '" + text + "' for key '" + key
                    + "'" + why + "; accepted: " + accepts);
        }
    }

    static Setting<Integer> intRange(String key, int def, int min, int max, String description) {
        Setting<Long> range = longRange(key, def, min, max, description);
        return new Setting<>(key, range.defaultValue(), range.accepts(), description,
                s -> range.parser().apply(s).intValue()); // within [min, max], so within int
    }

    static Setting<Long> longRange(String key, long def, long min, long max, String description) {
        return new Setting<>(key, Long.toString(def), "an integer from " + min + " to " + max,
                description, s -> {
                    long v = Long.parseLong(s);
                    if (v < min || v > max) {
                        throw new IllegalArgumentException("out of range");
                    }
                    return v;
                });
    }
}
