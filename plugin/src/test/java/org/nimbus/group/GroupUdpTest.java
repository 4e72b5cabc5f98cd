package org.nimbus.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nimbus.conformance.client.ConnectOptions;
import org.nimbus.conformance.client.ReceivedMessage;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.SendFlow;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.wire.Chunk;
import org.nimbus.conformance.wire.ChunkType;
import org.nimbus.rtmfp.packet.Vectors;
import org.nimbus.rtmfp.session.FlowDispatcher;
import org.nimbus.rtmfp.session.SessionConfig;
import org.nimbus.transport.RtmfpServer;

/**
 * NetGroup bootstrap over real loopback UDP with independent kit clients: 20 members join one
 * group (by the tc-mona.json group ID); each learns peers through {@code 0b} messages laid out
 * as MonaTiny's; members that leave (closing their GC flow, or their session) never appear in
 * what later joiners are told.
 */
class GroupUdpTest {
    private static final Duration T = Duration.ofSeconds(15);
    private static final byte[] GC = {0x47, 0x43};

    private RtmfpServer server;
    private GroupService groups;
    private String uri;
    private final byte[] groupId = Vectors.hex(Vectors.file("tc-mona.json").getAsJsonObject("participants")
            .getAsJsonObject("netgroup").get("group_id").getAsString());

    private final class Member {
        final RtmfpClient client;
        final Session session;
        final SendFlow join;
        final String peerId;
        final Set<String> told = new HashSet<>();

        Member() throws Exception {
            client = new RtmfpClient();
            session = client.connect(uri, ConnectOptions.defaults());
            peerId = HexFormat.of().formatHex(session.info().peerId());
            join = session.openFlow(GC, -1);
            ByteArrayOutputStream m = new ByteArrayOutputStream();
            m.write(new byte[] {0x01, 0x21, 0x15});
            m.write(groupId);
            session.send(join, m.toByteArray());
            session.awaitAcknowledged(join, T);
        }

        /** Takes every 0b message waiting (pumping briefly); true if any came. */
        boolean drain(Duration wait) throws Exception {
            boolean any = false;
            while (true) {
                ReceivedMessage m;
                try {
                    m = session.receive(x -> x.data().length == 33 && x.data()[0] == 0x0b, wait);
                } catch (org.nimbus.conformance.client.RtmfpException timeout) {
                    return any;
                }
                assertArrayEquals(GC, m.metadata());
                assertEquals(join.flowId(), m.returnFlowId(), "tied back to the member's GC flow");
                told.add(HexFormat.of().formatHex(m.data(), 1, 33));
                any = true;
                wait = Duration.ofMillis(1);
            }
        }
    }

    @BeforeEach
    void start() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = probe.getLocalPort();
        }
        FlowDispatcher flows = new FlowDispatcher();
        server = new RtmfpServer(new SessionConfig(100, 15_000, 60_000, 1 << 20, 16), flows);
        groups = new GroupService(server.endpoint(), server.loop()::now);
        flows.add(groups);
        server.start(List.of(new InetSocketAddress("127.0.0.1", port)));
        uri = "rtmfp://127.0.0.1:" + port + "/nimbus";
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private <T> T onLoop(Callable<T> c) throws Exception {
        return server.loop().submit(c).get(10, TimeUnit.SECONDS);
    }

    private long peerMessagesSent() {
        return server.endpoint().counters().get("group.peer-message");
    }

    /**
     * Pumps the members until, together with {@code silent} (who take no more), they hold every
     * 0b message the server sent: each goes to exactly one member, about a distinct peer.
     */
    private void drainAll(List<Member> pumped, List<Member> silent) throws Exception {
        long deadline = System.nanoTime() + T.toNanos();
        while (told(pumped) + told(silent) < peerMessagesSent()) {
            assertTrue(System.nanoTime() < deadline, "0b messages still missing");
            for (Member m : pumped) {
                m.drain(Duration.ofMillis(20));
            }
        }
        assertEquals(peerMessagesSent(), told(pumped) + told(silent), "no 0b message twice");
    }

    private static long told(List<Member> members) {
        return members.stream().mapToLong(m -> m.told.size()).sum();
    }

    @Test
    void twentyMembersLearnPeersAndLeaversDisappear() throws Exception {
        String gid = HexFormat.of().formatHex(groupId);
        List<Member> members = new ArrayList<>();
        List<Member> later = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                members.add(new Member());
            }
            drainAll(members, List.of());
            assertEquals(members.stream().map(m -> m.peerId).sorted().toList(), onLoop(() -> groups.members(gid)));
            Map<String, Member> byId = new HashMap<>();
            members.forEach(m -> byId.put(m.peerId, m));
            for (Member m : members) {
                assertFalse(m.told.isEmpty(), m.peerId + " learned no peer");
                assertFalse(m.told.contains(m.peerId), "never told of itself");
                assertTrue(m.told.size() <= GroupService.MAX_NEIGHBOURS * 3, "bounded fan-out: " + m.told.size());
                for (String p : m.told) {
                    assertTrue(byId.get(p).told.contains(m.peerId), "both sides of a pair learn of each other");
                }
            }
            assertConnected(members);
            checkWireLayout(members.get(0));

            // Five leave: three close their GC flow, two end their session.
            List<Member> leavers = List.copyOf(members.subList(0, 5));
            List<Member> stayers = new ArrayList<>(members.subList(5, 20));
            for (int i = 0; i < 5; i++) {
                if (i < 3) {
                    leavers.get(i).session.finish(leavers.get(i).join);
                    leavers.get(i).session.awaitAcknowledged(leavers.get(i).join, T);
                } else {
                    assertTrue(leavers.get(i).session.close(T));
                }
                // The ring mends around each leaver: its two neighbours (maybe the next leaver) hear of each other.
                List<Member> stillIn = new ArrayList<>(stayers);
                stillIn.addAll(leavers.subList(i + 1, 5));
                drainAll(stillIn, leavers.subList(0, i + 1));
            }
            Set<String> gone = new HashSet<>();
            leavers.forEach(m -> gone.add(m.peerId));
            List<String> remaining = onLoop(() -> groups.members(gid));
            assertEquals(15, remaining.size());
            assertTrue(remaining.stream().noneMatch(gone::contains));

            drainAll(stayers, leavers);
            assertRingKnown(stayers);
            assertConnected(stayers);
            assertTrue(server.endpoint().counters().get("group.ring-mended") >= 1);

            for (int i = 0; i < 6; i++) {
                later.add(new Member());
            }
            stayers.addAll(later);
            drainAll(stayers, leavers);
            assertRingKnown(stayers);
            for (Member m : later) {
                assertFalse(m.told.isEmpty(), "a later joiner learned no peer");
                for (String p : m.told) {
                    assertFalse(gone.contains(p), "told of a member that left: " + p);
                }
            }
        } finally {
            for (Member m : members) {
                m.client.close();
            }
            for (Member m : later) {
                m.client.close();
            }
        }
    }

    /**
     * Every member reaches every other through the "told" pairs among these members (those who
     * left are no path): the group is one piece.
     */
    private static void assertConnected(List<Member> members) {
        Map<String, Member> byId = new HashMap<>();
        members.forEach(m -> byId.put(m.peerId, m));
        Set<String> reached = new HashSet<>();
        List<String> todo = new ArrayList<>(List.of(members.get(0).peerId));
        while (!todo.isEmpty()) {
            String p = todo.remove(todo.size() - 1);
            if (byId.containsKey(p) && reached.add(p)) {
                todo.addAll(byId.get(p).told);
            }
        }
        assertEquals(members.size(), reached.size(), "members reachable from the first");
    }

    /** Members adjacent on the ring of peer IDs (as the group is now) have been told of each other. */
    private static void assertRingKnown(List<Member> members) {
        List<Member> ring = members.stream().sorted(java.util.Comparator.comparing(m -> m.peerId)).toList();
        for (int i = 0; i < ring.size(); i++) {
            Member a = ring.get(i);
            Member b = ring.get((i + 1) % ring.size());
            assertTrue(a.told.contains(b.peerId) && b.told.contains(a.peerId),
                    "ring neighbours " + a.peerId + " and " + b.peerId + " know each other");
        }
    }

    /** The first server GC packet is MonaTiny's: {@code 80 flow 01 01 | 03 00 47 43 | 02 0a <member flow> | 00 | 0b <id>}. */
    private static void checkWireLayout(Member m) {
        for (Session.Received r : m.session.receivedPackets()) {
            for (Chunk c : r.packet().chunks()) {
                byte[] p = c.payload();
                if (c.type() == ChunkType.USER_DATA && p.length >= 45 && p[p.length - 33] == 0x0b && p[4] == 0x03 && p[6] == 0x47) {
                    String hex = HexFormat.of().formatHex(p);
                    String expected = "80" + String.format("%02x", p[1]) + "0101" + "03004743" + "020a"
                            + String.format("%02x", m.join.flowId()) + "00" + "0b" + hex.substring(hex.length() - 64);
                    assertEquals(expected, hex.substring(0, Math.min(hex.length(), expected.length())));
                    return;
                }
            }
        }
        throw new AssertionError("no server GC flow start seen");
    }
}
