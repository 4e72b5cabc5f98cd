package org.nimbus.config;

import java.util.List;

/** The message store's keys of nimbus.properties (offline delivery and history, issue 17). */
public final class StoreSettings {
    public static final Setting<String> JDBC_URL = new Setting<>("store.jdbc_url", "",
            "empty (embedded H2 file data/nimbus-store under the Red5 folder), jdbc:h2:... or jdbc:postgresql://...",
            "database of stored messages and history", s -> {
                if (!s.isEmpty() && !s.startsWith("jdbc:h2:") && !s.startsWith("jdbc:postgresql:")) {
                    throw new IllegalArgumentException("only H2 and PostgreSQL are bundled");
                }
                return s;
            });
    public static final Setting<String> USER = new Setting<>("store.user", "", "any text",
            "database user (empty: the driver's default)", s -> s);
    public static final Setting<String> PASSWORD = new Setting<>("store.password", "", "any text",
            "database password (empty: none)", s -> s);
    public static final Setting<Integer> MAX_UNDELIVERED = Setting.intRange("store.max_undelivered", 1000, 1, 10_000_000,
            "messages waiting for one offline account; beyond, a send answers mailbox-full");
    public static final Setting<Integer> DAYS_KEPT = Setting.intRange("store.days_kept", 365, 1, 36_500,
            "days a message (delivered or not) is kept for history");

    static final List<Setting<?>> ALL = List.of(JDBC_URL, USER, PASSWORD, MAX_UNDELIVERED, DAYS_KEPT);

    private StoreSettings() {
    }
}
