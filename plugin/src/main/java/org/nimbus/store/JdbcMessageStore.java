package org.nimbus.store;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;

/**
 * {@link MessageStore} over JDBC: embedded H2 by default, PostgreSQL when the URL names it.
 * Parameterised statements only (names and texts never reach the SQL text). One connection,
 * reopened when it breaks; calls are serialised on it, so each runs on its caller's thread (the
 * plugin's bounded store executor) and commits before it returns.
 */
public final class JdbcMessageStore implements MessageStore {
    private final String url;
    private final Properties credentials;
    private final Driver driver;
    private Connection connection;

    private JdbcMessageStore(String url, Properties credentials, Driver driver) {
        this.url = url;
        this.credentials = credentials;
        this.driver = driver;
    }

    /**
     * The bundled driver for {@code url}, found through the plugin's own class loader: DriverManager
     * only sees drivers of the system class loader, and the plugin jar is not on it under Red5.
     */
    static Driver driverFor(String url) throws StoreException {
        for (Driver d : ServiceLoader.load(Driver.class, JdbcMessageStore.class.getClassLoader())) {
            try {
                if (d.acceptsURL(url)) {
                    return d;
                }
            } catch (SQLException e) {
                // this driver cannot judge the URL: try the next
            }
        }
        throw new StoreException("message store: no bundled JDBC driver accepts " + url
                + " (jdbc:h2:... and jdbc:postgresql:... are bundled)", null);
    }

    /** Opens the database and brings its schema up to date; a failure names the URL (never the password). */
    public static JdbcMessageStore open(String url, String user, String password) throws StoreException {
        Properties p = new Properties();
        if (!user.isEmpty()) {
            p.setProperty("user", user);
        }
        if (!password.isEmpty()) {
            p.setProperty("password", password);
        }
        JdbcMessageStore s = new JdbcMessageStore(url, p, driverFor(url));
        try {
            Schema.migrate(s.connection());
        } catch (SQLException e) {
            s.close();
            throw new StoreException("message store " + url + ": " + e.getMessage(), e);
        }
        return s;
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = driver.connect(url, credentials);
            if (connection == null) {
                throw new SQLException("driver refused " + url);
            }
            connection.setAutoCommit(true);
        }
        return connection;
    }

    /** Runs {@code work}; on failure the connection is dropped (reopened next call) and the error named. */
    private <T> T run(String what, Work<T> work) throws StoreException {
        try {
            return work.on(connection());
        } catch (SQLException e) {
            dropConnection();
            throw new StoreException("message store " + what + " failed: " + e.getMessage(), e);
        }
    }

    private interface Work<T> {
        T on(Connection c) throws SQLException;
    }

    @Override
    public synchronized Stored store(String from, String to, String mid, String text, long sentAtMillis,
                                     boolean undelivered, int maxUndelivered) throws StoreException {
        for (String field : new String[] {from, to, mid, text}) {
            if (field.indexOf('\u0000') >= 0) {
                throw new IllegalArgumentException("NUL character in a stored field"); // PostgreSQL text cannot hold it
            }
        }
        return run("store", c -> {
            c.setAutoCommit(false);
            try {
                Stored result = storeIn(c, from, to, mid, text, sentAtMillis, undelivered, maxUndelivered);
                if (result == Stored.STORED) {
                    c.commit();
                } else {
                    c.rollback();
                }
                return result;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }

    private static Stored storeIn(Connection c, String from, String to, String mid, String text, long at,
                                  boolean undelivered, int maxUndelivered) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM nimbus_message WHERE sender = ? AND mid = ?")) {
            p.setString(1, from);
            p.setString(2, mid);
            try (ResultSet r = p.executeQuery()) {
                if (r.next()) {
                    return Stored.DUPLICATE;
                }
            }
        }
        if (undelivered) {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT COUNT(*) FROM nimbus_message WHERE recipient = ? AND undelivered = TRUE")) {
                p.setString(1, to);
                try (ResultSet r = p.executeQuery()) {
                    r.next();
                    if (r.getLong(1) >= maxUndelivered) {
                        return Stored.MAILBOX_FULL;
                    }
                }
            }
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO nimbus_message (mid, sender, recipient, body, sent_at,"
                + " undelivered) VALUES (?, ?, ?, ?, ?, ?)")) {
            p.setString(1, mid);
            p.setString(2, from);
            p.setString(3, to);
            p.setString(4, text);
            p.setLong(5, at);
            p.setBoolean(6, undelivered);
            p.executeUpdate();
        }
        return Stored.STORED;
    }

    @Override
    public synchronized List<StoredMessage> undelivered(String to, long afterId, int limit) throws StoreException {
        return run("undelivered", c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT id, mid, sender, recipient, body, sent_at, undelivered"
                    + " FROM nimbus_message WHERE recipient = ? AND undelivered = TRUE AND id > ? ORDER BY id LIMIT ?")) {
                p.setString(1, to);
                p.setLong(2, afterId);
                p.setInt(3, limit);
                return rows(p);
            }
        });
    }

    @Override
    public synchronized boolean acknowledge(String to, long id) throws StoreException {
        return run("acknowledge", c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE nimbus_message SET undelivered = FALSE WHERE id = ? AND recipient = ? AND undelivered = TRUE")) {
                p.setLong(1, id);
                p.setString(2, to);
                return p.executeUpdate() == 1;
            }
        });
    }

    @Override
    public synchronized List<StoredMessage> history(String account, String with, long beforeId, int limit)
            throws StoreException {
        return run("history", c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT id, mid, sender, recipient, body, sent_at, undelivered"
                    + " FROM nimbus_message WHERE ((sender = ? AND recipient = ?) OR (sender = ? AND recipient = ?))"
                    + " AND id < ? ORDER BY id DESC LIMIT ?")) {
                p.setString(1, account);
                p.setString(2, with);
                p.setString(3, with);
                p.setString(4, account);
                p.setLong(5, beforeId);
                p.setInt(6, limit);
                return rows(p);
            }
        });
    }

    @Override
    public synchronized int forget(String account) throws StoreException {
        return run("forget", c -> {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM nimbus_message WHERE sender = ? OR recipient = ?")) {
                p.setString(1, account);
                p.setString(2, account);
                return p.executeUpdate();
            }
        });
    }

    @Override
    public synchronized int expire(long cutoffMillis) throws StoreException {
        return run("expire", c -> {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM nimbus_message WHERE sent_at < ?")) {
                p.setLong(1, cutoffMillis);
                return p.executeUpdate();
            }
        });
    }

    private static List<StoredMessage> rows(PreparedStatement p) throws SQLException {
        List<StoredMessage> out = new ArrayList<>();
        try (ResultSet r = p.executeQuery()) {
            while (r.next()) {
                out.add(new StoredMessage(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                        r.getLong(6), r.getBoolean(7)));
            }
        }
        return out;
    }

    private void dropConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken: the next call opens a new one
            }
            connection = null;
        }
    }

    @Override
    public synchronized void close() {
        dropConnection();
    }
}
