package org.nimbus.group;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.nimbus.rtmfp.packet.MalformedException;
import org.nimbus.rtmfp.packet.Option;
import org.nimbus.rtmfp.packet.OptionList;

/**
 * The server's part of the NetGroup control flows ("GC" metadata, RFC 7425 §5.1 flow metadata
 * with the Flash NetGroup conventions of docs/interop.md):
 * <ul>
 * <li>join, from a member: {@code 01} then an option list whose first option is the group:
 *     type {@code 15} with the 32-byte group ID ({@code 01 21 15 <id>}), or type {@code 10} with
 *     the raw groupspec text, which the server hashes itself;</li>
 * <li>peer, to a member: {@code 0b <32-byte peer ID>}, one message per peer to connect to.</li>
 * </ul>
 */
public final class GroupMessages {
    /** User metadata of NetGroup control flows: "GC". */
    public static final byte[] METADATA = {0x47, 0x43};
    public static final int JOIN = 0x01;
    public static final int PEER = 0x0b;
    static final int GROUP_ID_HASHED = 0x15;
    static final int GROUP_ID_RAW = 0x10;
    public static final int GROUP_ID_LENGTH = 32;

    private GroupMessages() {
    }

    /** The group a join message names, or empty if the message is not a well-formed join. */
    public static Optional<byte[]> joinedGroup(byte[] message) {
        if (message.length < 2 || (message[0] & 0xff) != JOIN) {
            return Optional.empty();
        }
        List<Option> options;
        try {
            options = OptionList.read(ByteBuffer.wrap(message, 1, message.length - 1));
        } catch (MalformedException e) {
            return Optional.empty();
        }
        if (options.isEmpty()) {
            return Optional.empty();
        }
        Option first = options.get(0);
        if (first.type() == GROUP_ID_HASHED && first.value().length == GROUP_ID_LENGTH) {
            return Optional.of(first.value());
        }
        if (first.type() == GROUP_ID_RAW) {
            return groupIdOf(new String(first.value(), StandardCharsets.US_ASCII));
        }
        return Optional.empty();
    }

    /**
     * The group ID of a groupspec text {@code G:<hex option list>00}: SHA-256 of the text from
     * {@code G:} up to, not including, the {@code 00} end marker; applied twice when the spec's
     * version option ({@code 7f}) is 2. Empty when the text is not a groupspec.
     */
    public static Optional<byte[]> groupIdOf(String groupspec) {
        if (!groupspec.startsWith("G:")) {
            return Optional.empty();
        }
        String hex = groupspec.substring(2);
        byte[] spec;
        try {
            spec = HexFormat.of().parseHex(hex.length() % 2 == 0 ? hex : hex.substring(0, hex.length() - 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        List<Option> options;
        try {
            options = OptionList.read(spec);
        } catch (MalformedException e) {
            return Optional.empty();
        }
        int hashedBytes = 0; // the options, without the 00 end marker
        for (Option o : options) {
            hashedBytes += o.encodedSize();
        }
        byte[] text = ("G:" + hex.substring(0, hashedBytes * 2)).getBytes(StandardCharsets.US_ASCII);
        boolean v2 = OptionList.first(options, 0x7f).map(o -> o.value().length == 1 && o.value()[0] == 2).orElse(false);
        byte[] id = sha256(text);
        return Optional.of(v2 ? sha256(id) : id);
    }

    /** {@code 0b <peer ID>}: tells a member about one peer it should connect to. */
    public static byte[] peer(byte[] peerId) {
        byte[] m = new byte[1 + peerId.length];
        m[0] = PEER;
        System.arraycopy(peerId, 0, m, 1, peerId.length);
        return m;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
