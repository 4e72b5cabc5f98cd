package org.nimbus.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nimbus.rtmfp.packet.Vectors;

/** The NetGroup messages of tc-mona.json (librtmfp ↔ MonaTiny) and the group-ID rule. */
class GroupMessagesTest {
    private static final JsonObject TC = Vectors.file("tc-mona.json");
    private static final JsonObject NETGROUP = TC.getAsJsonObject("participants").getAsJsonObject("netgroup");

    private static JsonObject chunk(String keyMessage) {
        for (var e : TC.getAsJsonArray("key_messages")) {
            JsonObject k = e.getAsJsonObject();
            if (k.get("name").getAsString().equals(keyMessage)) {
                return TC.getAsJsonObject("packets").getAsJsonArray(k.get("scenario").getAsString())
                        .get(k.get("packet_index").getAsInt()).getAsJsonObject().getAsJsonArray("chunks").get(0).getAsJsonObject();
            }
        }
        throw new AssertionError(keyMessage);
    }

    @Test
    void joinByHashedGroupIdAsLibrtmfpSendsIt() {
        JsonObject join = chunk("netgroup_join").getAsJsonObject("fields");
        byte[] data = Vectors.hex(join, "data_hex");
        assertArrayEquals(Vectors.hex(NETGROUP.get("group_id").getAsString()), GroupMessages.joinedGroup(data).orElseThrow());
    }

    @Test
    void groupIdIsSha256TwiceOfTheV2TextWithoutTheEndMarker() {
        byte[] expected = Vectors.hex(NETGROUP.get("group_id").getAsString());
        String spec = NETGROUP.get("groupspec").getAsString();
        assertTrue(spec.endsWith("00"));
        assertArrayEquals(expected, GroupMessages.groupIdOf(spec).orElseThrow(), "with the end marker");
        assertArrayEquals(expected, GroupMessages.groupIdOf(NETGROUP.get("groupspec_hashed_text").getAsString()).orElseThrow(),
                "without it");
    }

    @Test
    void joinWithRawGroupspecIsHashedOnTheServer() {
        byte[] spec = NETGROUP.get("groupspec").getAsString().getBytes(StandardCharsets.US_ASCII);
        byte[] join = new byte[3 + spec.length];
        join[0] = 0x01;
        join[1] = (byte) (spec.length + 1);
        join[2] = 0x10;
        System.arraycopy(spec, 0, join, 3, spec.length);
        assertArrayEquals(Vectors.hex(NETGROUP.get("group_id").getAsString()), GroupMessages.joinedGroup(join).orElseThrow());
    }

    @Test
    void malformedJoinsAreRefused() {
        for (String hex : new String[] {"", "01", "02211500", "0121150102", "0105200102030405", "0121", "01031047"}) {
            assertTrue(GroupMessages.joinedGroup(Vectors.hex(hex)).isEmpty(), hex);
        }
    }

    @Test
    void peerMessageIsTheServersLayout() {
        JsonObject f = chunk("group_member_0b_new_flow").getAsJsonObject("fields");
        byte[] data = Vectors.hex(f, "data_hex");
        byte[] peerId = java.util.Arrays.copyOfRange(data, 1, 33);
        assertArrayEquals(data, GroupMessages.peer(peerId));
        assertEquals(0x0b, data[0]);
    }

    @Test
    void neighboursAreRecentJoinersThenRingNeighboursThenSpread() {
        List<Integer> ring = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            ring.add(i);
        }
        List<Integer> recent = List.of(10, 63, 5, 40);
        List<Integer> chosen = NeighbourChoice.choose(ring, 10, recent, 3, 8);
        // 10 is the newcomer (most recent): recent 63, 5, 40; then 11, 9; then +32, +16, +8
        assertEquals(List.of(63, 5, 40, 11, 9, 42, 26, 18), chosen);
        assertEquals(List.of(1), NeighbourChoice.choose(List.of(0, 1), 0, List.of(0), 3, 8));
        assertEquals(List.of(), NeighbourChoice.choose(List.of(0), 0, List.of(0), 3, 8));
    }
}
