package org.nimbus.conformance.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.nimbus.conformance.client.ReceivedMessage;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.RtmfpException;
import org.nimbus.conformance.client.SendFlow;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.crypto.Identity;

/**
 * NetGroup bootstrap over "GC" flows (RFC 7425 §5.1 flow metadata; message layout as Flash and
 * MonaServer use it): join with {@code 01 21 15 <group ID>} or {@code 01 <len> 10 <groupspec>},
 * and the server's {@code 0b <peer ID>} messages on a GC flow tied back to the join flow.
 */
public final class GroupSuite implements Suite {
    private static final byte[] GC = {0x47, 0x43};

    @Override
    public String name() {
        return "group";
    }

    @Override
    public List<ConformanceCase> cases() {
        return List.of(
                new ConformanceCase("GR-01", "7425 §5.1", "members joining by group ID learn of each other (0b on a GC flow tied back)",
                        GroupSuite::byGroupId),
                new ConformanceCase("GR-02", "7425 §5.1", "a join by raw groupspec meets a join by its hashed group ID",
                        GroupSuite::byGroupspec),
                new ConformanceCase("GR-03", "7425 §5.1", "a member that closed its GC flow is not announced to later joiners",
                        GroupSuite::leaverForgotten));
    }

    /**
     * A fresh v2 groupspec text (a unique name per run, so cases never meet earlier runs'
     * members): {@code 027f02} version 2, the flags of tc-mona.json's spec, {@code 0e} the name.
     */
    private static String groupspec() {
        byte[] random = new byte[6];
        new java.security.SecureRandom().nextBytes(random);
        byte[] name = ("kit-" + HexFormat.of().formatHex(random)).getBytes(StandardCharsets.US_ASCII);
        return "G:027f0201010103010c" + String.format("%02x", 1 + name.length) + "0e" + HexFormat.of().formatHex(name)
                + "011b00";
    }

    /** SHA-256 twice of the text up to the final 00 marker (a version-2 groupspec). */
    static byte[] groupId(String spec) {
        String text = spec.endsWith("00") ? spec.substring(0, spec.length() - 2) : spec;
        return Identity.sha256(Identity.sha256(text.getBytes(StandardCharsets.US_ASCII)));
    }

    private record Member(RtmfpClient client, Session session, SendFlow join, String peerId) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
        }
    }

    private static Member join(Target t, byte[] message) throws Exception {
        RtmfpClient c = t.client();
        Session s = c.connect(t.uri(), t.options());
        SendFlow f = s.openFlow(GC, -1);
        s.send(f, message);
        s.awaitAcknowledged(f, t.timeout());
        return new Member(c, s, f, HexFormat.of().formatHex(s.info().peerId()));
    }

    private static byte[] joinById(byte[] id) {
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.writeBytes(new byte[] {0x01, 0x21, 0x15});
        m.writeBytes(id);
        return m.toByteArray();
    }

    private static byte[] joinBySpec(String spec) {
        byte[] text = spec.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.write(0x01);
        m.write(text.length + 1); // below 128: a one-byte VLU
        m.write(0x10);
        m.writeBytes(text);
        return m.toByteArray();
    }

    /** The peer IDs a member is told of within the wait, checking each message's flow. */
    private static Set<String> told(Member m, Duration wait, int expected) throws Exception {
        Set<String> ids = new HashSet<>();
        long deadline = System.nanoTime() + wait.toNanos();
        while (ids.size() < expected && System.nanoTime() < deadline) {
            ReceivedMessage r;
            try {
                r = m.session().receive(x -> x.data().length == 33 && x.data()[0] == 0x0b,
                        Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            } catch (RtmfpException timeout) {
                break;
            }
            if (Arrays.equals(r.metadata(), GC) && r.returnFlowId() == m.join().flowId()) {
                ids.add(HexFormat.of().formatHex(r.data(), 1, 33));
            }
        }
        return ids;
    }

    static Outcome byGroupId(Target t) throws Exception {
        byte[] id = groupId(groupspec());
        try (Member a = join(t, joinById(id)); Member b = join(t, joinById(id)); Member c = join(t, joinById(id))) {
            Set<String> toA = told(a, t.timeout(), 2);
            Set<String> toC = told(c, t.timeout(), 2);
            boolean ok = toA.equals(Set.of(b.peerId(), c.peerId())) && toC.equals(Set.of(a.peerId(), b.peerId()));
            return Outcome.check(ok, "first member told of " + toA.size() + " of 2, third of " + toC.size() + " of 2");
        }
    }

    static Outcome byGroupspec(Target t) throws Exception {
        String spec = groupspec();
        try (Member a = join(t, joinById(groupId(spec))); Member b = join(t, joinBySpec(spec))) {
            Set<String> toA = told(a, t.timeout(), 1);
            Set<String> toB = told(b, t.timeout(), 1);
            return Outcome.check(toA.equals(Set.of(b.peerId())) && toB.equals(Set.of(a.peerId())),
                    "hashed-ID member told of the groupspec member: " + !toA.isEmpty() + ", and back: " + !toB.isEmpty());
        }
    }

    static Outcome leaverForgotten(Target t) throws Exception {
        byte[] id = groupId(groupspec());
        try (Member a = join(t, joinById(id)); Member b = join(t, joinById(id))) {
            b.session().finish(b.join());
            b.session().awaitAcknowledged(b.join(), t.timeout());
            try (Member c = join(t, joinById(id))) {
                Set<String> toC = told(c, t.timeout(), 2);
                return Outcome.check(toC.equals(Set.of(a.peerId())), "later joiner told of the remaining member: "
                        + toC.contains(a.peerId()) + ", of the leaver: " + toC.contains(b.peerId()));
            }
        }
    }
}
