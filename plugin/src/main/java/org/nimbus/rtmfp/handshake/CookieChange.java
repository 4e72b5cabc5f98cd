package org.nimbus.rtmfp.handshake;

import java.nio.ByteBuffer;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.MalformedException;

/**
 * RHello Cookie Change, chunk 0x79, RFC 7016 §2.3.9: {@code oldCookieLength(VLU) | oldCookie |
 * newCookie (rest)}. Sent when an IIKeying arrives from another address than the one its cookie
 * was made for (RFC 7016 §3.5.1.1.1): the initiator retries with the new cookie.
 */
public record CookieChange(byte[] oldCookie, byte[] newCookie) {

    public static CookieChange decode(byte[] payload) throws MalformedException {
        ByteBuffer in = ByteBuffer.wrap(payload);
        byte[] old = Fields.lengthPrefixed(in, "old cookie");
        return new CookieChange(old, Fields.rest(in));
    }

    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(Fields.lengthPrefixedSize(oldCookie) + newCookie.length);
        Fields.putLengthPrefixed(out, oldCookie);
        out.put(newCookie);
        return out.array();
    }

    public Chunk chunk() {
        return new Chunk(Chunk.COOKIE_CHANGE, encode());
    }
}
