package org.nimbus.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Versioned SQL applied at start (lighter than Flyway, same idea): {@code V<n>__*.sql} resources
 * run in order, each in one transaction together with the row in {@code nimbus_schema} that
 * records it, so a start interrupted half-way leaves the schema at the last whole version.
 * The SQL is the subset H2 and PostgreSQL both accept.
 */
final class Schema {
    /** Every version, in order; add a file and a line to migrate. */
    static final List<String> VERSIONS = List.of("V1__messages.sql");

    private Schema() {
    }

    /** Brings the database to the last version; returns the version it was at before. */
    static int migrate(Connection c) throws SQLException {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS nimbus_schema (version INT NOT NULL PRIMARY KEY, applied_at BIGINT NOT NULL)");
        }
        int at = current(c);
        if (at > VERSIONS.size()) {
            throw new SQLException("database schema is at version " + at + ", newer than this plugin ("
                    + VERSIONS.size() + ")");
        }
        for (int v = at + 1; v <= VERSIONS.size(); v++) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String sql : statements(VERSIONS.get(v - 1))) {
                    s.execute(sql);
                }
                try (PreparedStatement p = c.prepareStatement("INSERT INTO nimbus_schema (version, applied_at) VALUES (?, ?)")) {
                    p.setInt(1, v);
                    p.setLong(2, System.currentTimeMillis());
                    p.executeUpdate();
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
        return at;
    }

    static int current(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT MAX(version) FROM nimbus_schema")) {
            return r.next() ? r.getInt(1) : 0;
        }
    }

    /** The file's statements: split on ';' at line ends, '--' comment lines dropped. */
    static List<String> statements(String resource) {
        String text;
        try (InputStream in = Schema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing schema resource " + resource);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read schema resource " + resource, e);
        }
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!line.strip().startsWith("--")) {
                sb.append(line).append('\n');
            }
        }
        return java.util.Arrays.stream(sb.toString().split(";\\s*\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
