package org.nimbus.store;

/**
 * The child of {@link StoreKillTest}: stores messages as fast as it can and prints each mid
 * only after {@link MessageStore#store} returned, i.e. after the commit (what "sent" means).
 */
public final class StoreKillChild {
    public static void main(String[] args) throws Exception {
        try (JdbcMessageStore s = JdbcMessageStore.open(args[0], "", "")) {
            for (int i = 0; ; i++) {
                String id = "k" + i;
                if (s.store("alice", "bob", id, "message " + i, i, true, Integer.MAX_VALUE) == MessageStore.Stored.STORED) {
                    System.out.println(id);
                    System.out.flush();
                }
            }
        }
    }
}
