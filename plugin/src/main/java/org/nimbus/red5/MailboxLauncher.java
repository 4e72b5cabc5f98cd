package org.nimbus.red5;

import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.nimbus.config.NimbusConfig;
import org.nimbus.config.StoreSettings;
import org.nimbus.registry.Mailbox;
import org.nimbus.store.JdbcMessageStore;
import org.nimbus.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the message store of store.* (embedded H2 under the Red5 folder unless store.jdbc_url
 * names another), its bounded executor (one thread: the store serialises on one connection;
 * a full queue answers store-unavailable) and the daily retention sweep.
 */
final class MailboxLauncher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MailboxLauncher.class);
    /** Store calls waiting at once; beyond, a send is refused rather than queued without bound. */
    static final int QUEUE = 10_000;
    /** How long a send waits for its commit before answering store-unavailable. */
    static final long TIMEOUT_MILLIS = 10_000;

    final Mailbox mailbox;
    private final JdbcMessageStore store;
    private final ThreadPoolExecutor executor;
    private final long keepMillis;

    private MailboxLauncher(JdbcMessageStore store, ThreadPoolExecutor executor, NimbusConfig config) {
        this.store = store;
        this.executor = executor;
        this.keepMillis = TimeUnit.DAYS.toMillis(config.get(StoreSettings.DAYS_KEPT));
        this.mailbox = new Mailbox(store, executor, config.get(StoreSettings.MAX_UNDELIVERED), TIMEOUT_MILLIS);
    }

    /** The URL store.jdbc_url names, or the embedded H2 file data/nimbus-store under {@code red5Root}. */
    static String url(NimbusConfig config, Path red5Root) {
        String url = config.get(StoreSettings.JDBC_URL);
        // WRITE_DELAY=0: each commit reaches the file before the call returns, so a kill -9 loses nothing answered sent
        return url.isEmpty() ? "jdbc:h2:file:" + red5Root.resolve("data").resolve("nimbus-store").toAbsolutePath()
                + ";WRITE_DELAY=0" : url;
    }

    /** The store opened, or null (logged) when it cannot be: sends to offline accounts are then unknown-user. */
    static MailboxLauncher open(NimbusConfig config, Path red5Root) {
        String url = url(config, red5Root);
        try {
            JdbcMessageStore store = JdbcMessageStore.open(url, config.get(StoreSettings.USER), config.get(StoreSettings.PASSWORD));
            ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
                Thread t = new Thread(r, "nimbus-store");
                t.setDaemon(true);
                return t;
            });
            log.info("Nimbus message store: {}", url);
            return new MailboxLauncher(store, executor, config);
        } catch (StoreException e) {
            log.error("Nimbus message store unavailable, offline delivery and history off: {}", e.getMessage());
            return null;
        }
    }

    /** Deletes messages older than store.days_kept (run by the registry's timer). */
    void expire() {
        try {
            executor.execute(() -> {
                try {
                    int n = store.expire(System.currentTimeMillis() - keepMillis);
                    if (n > 0) {
                        log.info("Nimbus message store: {} messages past store.days_kept deleted", n);
                    }
                } catch (StoreException e) {
                    log.warn("message store retention sweep failed: {}", e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException busy) {
            // the next sweep tries again
        }
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }
}
