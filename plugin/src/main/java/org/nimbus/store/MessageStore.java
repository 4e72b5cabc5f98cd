package org.nimbus.store;

import java.util.List;

/**
 * Messages between accounts that outlive a connection: the undelivered set of each account
 * (offline delivery) and every account's conversations (history). Each call is durable when it
 * returns: a stored message survives a crash of the server the moment {@link #store} returns
 * {@link Stored#STORED}. Calls may block on the database: callers run them off the registry's lock.
 */
public interface MessageStore extends AutoCloseable {

    /** What became of a message handed to {@link #store}. */
    enum Stored { STORED, DUPLICATE, MAILBOX_FULL }

    /**
     * Keeps a message from {@code from} to {@code to}. {@code undelivered}: it still has to reach
     * {@code to} (false for a message already delivered, kept for history only). A second message with
     * the same sender and {@code mid} is {@link Stored#DUPLICATE} and not kept twice; an undelivered
     * one beyond {@code maxUndelivered} for {@code to} is {@link Stored#MAILBOX_FULL}.
     *
     * @throws IllegalArgumentException a field holds U+0000 (no backend keeps it)
     */
    Stored store(String from, String to, String mid, String text, long sentAtMillis, boolean undelivered,
                 int maxUndelivered) throws StoreException;

    /** Up to {@code limit} undelivered messages to {@code to}, oldest first, after store ID {@code afterId}. */
    List<StoredMessage> undelivered(String to, long afterId, int limit) throws StoreException;

    /** Marks message {@code id} delivered, only if it was sent to {@code to}; false if no such message. */
    boolean acknowledge(String to, long id) throws StoreException;

    /** The conversation between {@code account} and {@code with}, newest first, before store ID {@code beforeId}. */
    List<StoredMessage> history(String account, String with, long beforeId, int limit) throws StoreException;

    /** Deletes every message {@code account} sent or received; returns how many. */
    int forget(String account) throws StoreException;

    /** Deletes messages sent before {@code cutoffMillis}, delivered or not (retention); returns how many. */
    int expire(long cutoffMillis) throws StoreException;

    @Override
    void close();
}
