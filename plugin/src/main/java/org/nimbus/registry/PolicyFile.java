package org.nimbus.registry;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Flash's socket policy: flash.net.Socket first asks for {@code <policy-file-request/>} + NUL
 * (on port 843, then on the target port) and connects only if the answer allows the port.
 */
public final class PolicyFile {
    public static final byte[] REQUEST = "<policy-file-request/>\0".getBytes(StandardCharsets.US_ASCII);

    public enum Match { MORE, MATCHED, MISMATCH }

    private final byte[] seen = new byte[REQUEST.length];
    private int fill;

    private PolicyFile() {
    }

    /** A matcher for one connection's first bytes. */
    public static PolicyFile matcher() {
        return new PolicyFile();
    }

    /** Consumes bytes of in up to the end of the request. */
    public Match feed(ByteBuffer in) {
        while (in.hasRemaining() && fill < REQUEST.length) {
            byte b = in.get();
            if (b != REQUEST[fill]) {
                return Match.MISMATCH;
            }
            seen[fill++] = b;
        }
        return fill == REQUEST.length && Arrays.equals(seen, REQUEST) ? Match.MATCHED : Match.MORE;
    }

    /** The policy document allowing the given ports from any domain, NUL-terminated. */
    public static byte[] answer(List<Integer> ports) {
        String xml = "<?xml version=\"1.0\"?>\n"
                + "<!DOCTYPE cross-domain-policy SYSTEM \"/xml/dtds/cross-domain-policy.dtd\">\n"
                + "<cross-domain-policy>\n"
                + "<site-control permitted-cross-domain-policies=\"master-only\"/>\n"
                + "<allow-access-from domain=\"*\" to-ports=\""
                + ports.stream().distinct().map(String::valueOf).collect(Collectors.joining(",")) + "\"/>\n"
                + "</cross-domain-policy>\n\0";
        return xml.getBytes(StandardCharsets.US_ASCII);
    }
}
