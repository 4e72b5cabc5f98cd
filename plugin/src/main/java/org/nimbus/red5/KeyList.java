package org.nimbus.red5;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashSet;
import java.util.Set;
import org.nimbus.config.TcSettings;
import org.nimbus.tc.ConnectKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The developer keys an operator lists: {@code tc.keys} in nimbus.properties plus the lines of
 * {@code tc.keys_file}, which is read again when it changes (looked at, at most once a second, when
 * a connect asks) or on the JMX operation {@code reload}. A file that cannot be read or holds a bad
 * line keeps the keys that were in force, with a log line saying why.
 */
final class KeyList implements KeysMXBean {
    private static final Logger log = LoggerFactory.getLogger(KeyList.class);
    private static final long CHECK_EVERY_NANOS = 1_000_000_000L;

    private final Set<String> inline;
    private final Path file;
    private final ConnectKeys keys;
    private FileTime loaded;
    private long checkedAt = Long.MIN_VALUE;

    KeyList(Set<String> inline, Path file) {
        this.inline = Set.copyOf(inline);
        this.file = file;
        this.keys = new ConnectKeys(inline);
        if (file != null) {
            reload();
        }
    }

    ConnectKeys keys() {
        return keys;
    }

    @Override
    public int getKeys() {
        return keys.size();
    }

    @Override
    public java.util.Map<String, Long> getCounters() {
        return keys.counters();
    }

    /** Reads the file again if it changed since it was last read (at most once a second). */
    synchronized void refresh() {
        long now = System.nanoTime();
        if (file == null || now - checkedAt < CHECK_EVERY_NANOS && checkedAt != Long.MIN_VALUE) {
            return;
        }
        checkedAt = now;
        try {
            FileTime t = Files.getLastModifiedTime(file);
            if (!t.equals(loaded)) {
                reload();
            }
        } catch (IOException e) {
            // gone or unreadable: the last good list stays
        }
    }

    /** Reads the file now; returns how many keys are in force. */
    @Override
    public synchronized int reload() {
        if (file == null) {
            return keys.size();
        }
        try {
            FileTime t = Files.getLastModifiedTime(file);
            Set<String> all = new LinkedHashSet<>(inline);
            int n = 0;
            for (String line : Files.readAllLines(file)) {
                n++;
                String text = line.replaceFirst("#.*$", "").trim();
                try {
                    all.addAll(TcSettings.keyList(text));
                } catch (IllegalArgumentException e) {
                    log.warn("{} line {}: {}; the keys in force stay", file, n, e.getMessage());
                    return keys.size();
                }
            }
            keys.replace(all);
            loaded = t;
            log.info("Nimbus developer keys: {} in force ({} from {})", all.size(), all.size() - inline.size(), file);
        } catch (IOException e) {
            log.warn("cannot read tc.keys_file {}: {}; the keys in force stay", file, e.toString());
        }
        return keys.size();
    }
}
