package org.nimbus.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store on an embedded H2 file, as the plugin runs it by default. */
class H2MessageStoreTest extends MessageStoreContract {
    @TempDir
    Path dir;
    private JdbcMessageStore open;

    private String url() {
        return "jdbc:h2:file:" + dir.resolve("nimbus-store").toAbsolutePath();
    }

    @Override
    MessageStore store() throws Exception {
        open = JdbcMessageStore.open(url(), "", "");
        return open;
    }

    @Override
    void breakDatabase() throws Exception {
        open.close();
        // The file replaced by a directory: H2 cannot open it again.
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.createDirectory(dir.resolve("nimbus-store.mv.db"));
    }

    @AfterEach
    void close() {
        if (open != null) {
            open.close();
        }
    }

    @Test
    void aReopenedFileKeepsItsMessagesAndSchemaVersion() throws Exception {
        try (JdbcMessageStore s = JdbcMessageStore.open(url(), "", "")) {
            s.store("alice", "bob", "1", "kept", 1, true, 10);
        }
        try (JdbcMessageStore s = JdbcMessageStore.open(url(), "", "")) {
            assertEquals("kept", s.undelivered("bob", 0, 10).get(0).text());
        }
        try (Connection c = JdbcMessageStore.driverFor(url()).connect(url(), new java.util.Properties())) {
            assertEquals(Schema.VERSIONS.size(), Schema.current(c));
        }
    }
}
