package org.nimbus.store;

/**
 * One kept message. {@code id} is the store's order (oldest lowest) and what a page acknowledges;
 * {@code mid} is the sender's own ID, which lets a page show a message once however many
 * times it is delivered (delivery is at least once).
 */
public record StoredMessage(long id, String mid, String from, String to, String text, long sentAtMillis,
                            boolean undelivered) {
}
