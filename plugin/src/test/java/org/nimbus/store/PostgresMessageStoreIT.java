package org.nimbus.store;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The store contract on a real PostgreSQL cluster started for this class (one database per test). */
class PostgresMessageStoreIT extends MessageStoreContract {
    private static PostgresCluster cluster;
    private static int databases;
    private JdbcMessageStore open;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = PostgresCluster.start();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    MessageStore store() throws Exception {
        String db = "t" + (++databases);
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db); // a name made here, not input
        }
        open = JdbcMessageStore.open(cluster.url().replace("/postgres", "/" + db), "nimbus", "");
        return open;
    }

    @Override
    void breakDatabase() throws Exception {
        // This test's database refuses new connections, and its open one is ended under the store.
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE t" + databases + " ALLOW_CONNECTIONS false");
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 't" + databases + "'");
        }
    }

    private static Connection admin() throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "nimbus");
        return JdbcMessageStore.driverFor(cluster.url()).connect(cluster.url(), p);
    }

    @AfterEach
    void close() {
        if (open != null) {
            open.close();
        }
    }
}
