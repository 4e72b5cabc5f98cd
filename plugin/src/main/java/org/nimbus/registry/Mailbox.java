package org.nimbus.registry;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.nimbus.store.MessageStore;
import org.nimbus.store.StoreException;
import org.nimbus.store.StoredMessage;

/**
 * Offline delivery (issue 17): a send to an offline account is kept in the {@link MessageStore}
 * and answered only once the store committed it; when that account registers again its messages
 * are sent oldest first, each carrying its store ID ({@code sid}) that the page acknowledges
 * ({@code ack}) before it leaves the undelivered set, and the sender's {@code mid} that lets the
 * page show it once (delivery is at least once). Every store call runs on the given bounded
 * executor, never under the registry's lock, so a slow database never blocks the registry.
 */
public final class Mailbox {
    /** Undelivered messages fetched per query while delivering at registration. */
    static final int PAGE = 500;

    private final MessageStore store;
    private final ExecutorService executor;
    private final int maxUndelivered;
    private final long timeoutMillis;

    public Mailbox(MessageStore store, ExecutorService executor, int maxUndelivered, long timeoutMillis) {
        this.store = store;
        this.executor = executor;
        this.maxUndelivered = maxUndelivered;
        this.timeoutMillis = timeoutMillis;
    }

    /** Keeps a message to offline {@code to}; returns the {@code sent} reply, or throws the error to answer. */
    JsonObject keep(RegistrySession s, String to, String mid, String text, long now) {
        String id = mid == null ? UUID.randomUUID().toString() : mid;
        MessageStore.Stored r = call(() -> store.store(Names.key(s.name), Names.key(to), id, text, now, true, maxUndelivered));
        if (r == MessageStore.Stored.MAILBOX_FULL) {
            throw new RegistryException(ErrorCodes.MAILBOX_FULL, "'" + to + "' has " + maxUndelivered + " messages waiting");
        }
        JsonObject o = new JsonObject();
        o.addProperty("op", "sent");
        o.addProperty("delivered", 0);
        o.addProperty("stored", true); // STORED, or DUPLICATE: kept by an earlier send with this mid
        o.addProperty("mid", id);
        return o;
    }

    /** Removes message {@code sid} from the caller's undelivered set. */
    void acknowledge(RegistrySession s, long sid) {
        if (!call(() -> store.acknowledge(Names.key(s.name), sid))) {
            throw new RegistryException(ErrorCodes.UNKNOWN_MESSAGE, "no undelivered message " + sid + " for you");
        }
    }

    /** Sends the account's undelivered messages to this connection, oldest first, in the background. */
    void deliver(RegistrySession s) {
        if (s.guest || s.name == null) {
            return;
        }
        String key = Names.key(s.name);
        try {
            executor.execute(() -> {
                long after = 0;
                try {
                    while (true) {
                        List<StoredMessage> page = store.undelivered(key, after, PAGE);
                        for (StoredMessage m : page) {
                            s.connection.send(event(m));
                            after = m.id();
                        }
                        if (page.size() < PAGE) {
                            return;
                        }
                    }
                } catch (StoreException e) {
                    // left undelivered: sent again at the next registration
                }
            });
        } catch (RejectedExecutionException e) {
            // the store's queue is full: the messages wait for the next registration
        }
    }

    /** Longest history page. */
    static final int MAX_HISTORY_PAGE = 200;

    /**
     * The caller's conversation with {@code with}, newest first, before store ID {@code before}
     * (0: from the newest). Only ever the caller's own: the account is the connection's name.
     */
    JsonObject history(RegistrySession s, String with, long before, int limit) {
        requireAccount(s);
        List<StoredMessage> page = call(() -> store.history(Names.key(s.name), Names.key(with),
                before <= 0 ? Long.MAX_VALUE : before, Math.max(1, Math.min(limit, MAX_HISTORY_PAGE))));
        JsonObject o = new JsonObject();
        o.addProperty("op", "history");
        o.addProperty("with", Names.key(with));
        com.google.gson.JsonArray a = new com.google.gson.JsonArray();
        for (StoredMessage m : page) {
            JsonObject x = new JsonObject();
            x.addProperty("sid", m.id());
            x.addProperty("mid", m.mid());
            x.addProperty("from", m.from());
            x.addProperty("to", m.to());
            x.addProperty("text", m.text());
            x.addProperty("ts", m.sentAtMillis());
            a.add(x);
        }
        o.add("messages", a);
        return o;
    }

    /**
     * Records a message the caller sent directly (peer to peer), so history is whole whatever path
     * it took. Only what the caller sent: a page never writes words into another's mouth.
     */
    JsonObject record(RegistrySession s, String to, String mid, String text, long now) {
        requireAccount(s);
        if (Names.accountNameProblem(to) != null) {
            throw new RegistryException(ErrorCodes.BAD_NAME, "'to' is not an account name");
        }
        call(() -> store.store(Names.key(s.name), Names.key(to), mid, text, now, false, maxUndelivered));
        JsonObject o = new JsonObject();
        o.addProperty("op", "recorded");
        o.addProperty("mid", mid);
        return o;
    }

    /** Records a relayed (delivered) send for history in the background; a failure loses only history. */
    void recordRelayed(RegistrySession s, String to, String mid, String text, long now) {
        if (s.guest || Names.accountNameProblem(to) != null) {
            return;
        }
        String id = mid == null ? UUID.randomUUID().toString() : mid;
        String from = Names.key(s.name);
        try {
            executor.execute(() -> {
                try {
                    store.store(from, Names.key(to), id, text, now, false, maxUndelivered);
                } catch (StoreException | IllegalArgumentException e) {
                    // history only: the message itself was delivered
                }
            });
        } catch (RejectedExecutionException busy) {
            // the store is saturated: history of this relayed send is skipped
        }
    }

    /** Deletes every message the caller sent or received; returns how many. */
    int forget(RegistrySession s) {
        requireAccount(s);
        return call(() -> store.forget(Names.key(s.name)));
    }

    /** The operator's forget (JMX): every message of the named account; throws store-unavailable as a RegistryException. */
    public int forgetAccount(String account) {
        return call(() -> store.forget(Names.key(account)));
    }

    private static void requireAccount(RegistrySession s) {
        if (s.name == null) {
            throw new RegistryException(ErrorCodes.NOT_AUTHENTICATED, "say hello first");
        }
        if (s.guest) {
            throw new RegistryException(ErrorCodes.NO_HISTORY, "guests have no history");
        }
    }

    static JsonObject event(StoredMessage m) {
        JsonObject o = Events.message(m.from(), m.text(), m.sentAtMillis());
        o.addProperty("stored", true);
        o.addProperty("sid", m.id());
        o.addProperty("mid", m.mid());
        return o;
    }

    private interface StoreCall<T> {
        T run() throws StoreException;
    }

    /** Runs {@code c} on the executor and awaits it; any failure is store-unavailable (nothing claimed). */
    private <T> T call(StoreCall<T> c) {
        Future<T> f;
        try {
            f = executor.submit(() -> c.run());
        } catch (RejectedExecutionException e) {
            throw new RegistryException(ErrorCodes.STORE_UNAVAILABLE, "message store busy; not stored");
        }
        try {
            return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new RegistryException(ErrorCodes.STORE_UNAVAILABLE, "message store did not answer; not stored");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(ErrorCodes.STORE_UNAVAILABLE, "interrupted; not stored");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IllegalArgumentException bad) {
                throw new RegistryException(ErrorCodes.BAD_REQUEST, bad.getMessage());
            }
            throw new RegistryException(ErrorCodes.STORE_UNAVAILABLE, "message store failed; not stored");
        }
    }
}
