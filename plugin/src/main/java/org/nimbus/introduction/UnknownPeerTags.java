package org.nimbus.introduction;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The IHellos that named a peer we do not know, by source and tag. The first one is dropped
 * (the peer may be connecting at this moment); when the same tag comes again from the same
 * source, the initiator is retrying in vain and gets the "peer gone" Redirect (docs/interop.md).
 * A small LRU: memory stays bounded however many unknown IDs are asked for.
 */
final class UnknownPeerTags {
    private record Key(InetSocketAddress source, ByteBuffer tag) {
    }

    private final LinkedHashMap<Key, Boolean> seen;

    UnknownPeerTags(int capacity) {
        this.seen = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Records the IHello; true if this source already sent this tag (a retransmission). */
    boolean seenBefore(InetSocketAddress source, byte[] tag) {
        return seen.put(new Key(source, ByteBuffer.wrap(tag.clone())), Boolean.TRUE) != null;
    }

    int size() {
        return seen.size();
    }
}
