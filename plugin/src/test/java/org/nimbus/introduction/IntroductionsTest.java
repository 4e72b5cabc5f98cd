package org.nimbus.introduction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nimbus.rtmfp.handshake.EndpointDiscriminator;
import org.nimbus.rtmfp.handshake.IHello;
import org.nimbus.rtmfp.handshake.PeerAddress;
import org.nimbus.rtmfp.handshake.Responder;
import org.nimbus.rtmfp.packet.Vectors;

/**
 * The rendezvous decisions, without sockets: the Forwarded IHello and Redirect laid out byte for
 * byte as MonaTiny sent them to librtmfp (tc-mona.json), "peer gone", same-NAT order, limits.
 */
class IntroductionsTest {
    private static final JsonObject TC = Vectors.file("tc-mona.json");
    private static final JsonObject P2P = TC.getAsJsonObject("participants").getAsJsonObject("p2p").getAsJsonObject("clients");

    private static JsonObject chunkOf(String keyMessage) {
        for (var e : TC.getAsJsonArray("key_messages")) {
            JsonObject k = e.getAsJsonObject();
            if (k.get("name").getAsString().equals(keyMessage)) {
                JsonObject p = TC.getAsJsonObject("packets").getAsJsonArray(k.get("scenario").getAsString())
                        .get(k.get("packet_index").getAsInt()).getAsJsonObject();
                return p.getAsJsonArray("chunks").get(0).getAsJsonObject();
            }
        }
        throw new AssertionError(keyMessage);
    }

    private static InetSocketAddress address(String clientName) {
        String[] a = P2P.getAsJsonObject(clientName).get("address").getAsString().split(":");
        return new InetSocketAddress(a[0], Integer.parseInt(a[1]));
    }

    private static Responder.IntroductionRequest request(byte[] ihelloPayload, InetSocketAddress from) throws Exception {
        IHello h = IHello.decode(ihelloPayload);
        return new Responder.IntroductionRequest(EndpointDiscriminator.parse(h.epd()).fingerprint(), h.tag(), h.epd(), from);
    }

    private static Responder.IntroductionRequest request(int peer, int tag, String from) {
        byte[] id = new byte[32];
        id[0] = (byte) peer;
        byte[] t = new byte[16];
        t[0] = (byte) tag;
        String[] a = from.split(":");
        return new Responder.IntroductionRequest(id, t, EndpointDiscriminator.forPeer(id),
                new InetSocketAddress(a[0], Integer.parseInt(a[1])));
    }

    private static Introductions.Target target(int peer, String observed, String... reported) {
        byte[] id = new byte[32];
        id[0] = (byte) peer;
        String[] a = observed.split(":");
        List<InetSocketAddress> r = java.util.Arrays.stream(reported).map(s -> {
            int colon = s.lastIndexOf(':');
            return new InetSocketAddress(s.substring(0, colon).replace("[", "").replace("]", ""),
                    Integer.parseInt(s.substring(colon + 1)));
        }).toList();
        return new Introductions.Target(id, new InetSocketAddress(a[0], Integer.parseInt(a[1])), r);
    }

    @Test
    void forwardedIHelloAndRedirectAreLaidOutAsMonaTinySentThemToLibrtmfp() throws Exception {
        JsonObject ihello = chunkOf("p2p_ihello_to_server");
        Responder.IntroductionRequest req = request(Vectors.hex(ihello, "payload_hex"), address("play"));
        byte[] publisher = Vectors.hex(P2P.getAsJsonObject("pub").get("peer_id").getAsString());
        assertArrayEquals(publisher, req.peerId());
        // librtmfp sends no setPeerInfo addresses from a loopback-only namespace: observed only.
        Introductions.Target target = new Introductions.Target(publisher, address("pub"), List.of());

        Introductions.Answer a = new Introductions(IntroductionLimits.defaults()).answer(req, target, 1000);

        assertEquals("introduced", a.outcome());
        assertArrayEquals(Vectors.hex(chunkOf("fihello_to_target"), "payload_hex"), a.forward().encode());
        assertArrayEquals(Vectors.hex(chunkOf("redirect_to_initiator"), "payload_hex"), a.redirect().encode());
    }

    @Test
    void everyRepeatedIHelloIsAnsweredAgain() {
        Introductions intro = new Introductions(IntroductionLimits.defaults());
        Introductions.Target t = target(1, "198.51.100.7:4000");
        for (int i = 0; i < 5; i++) {
            Introductions.Answer a = intro.answer(request(1, 9, "203.0.113.5:5000"), t, 1000 + i * 1500L);
            assertNotNull(a.redirect(), "retransmission " + i);
            assertNotNull(a.forward(), "retransmission " + i);
        }
    }

    @Test
    void unknownPeerIsSilentFirstThenGoneOnTheRepeatedTag() {
        Introductions intro = new Introductions(IntroductionLimits.defaults());
        Introductions.Answer first = intro.answer(request(7, 1, "203.0.113.5:5000"), null, 1000);
        assertNull(first.redirect());
        assertNull(first.forward());
        assertEquals("unknown-peer", first.outcome());
        assertNull(intro.answer(request(7, 2, "203.0.113.5:5000"), null, 1100).redirect(), "another tag is a new attempt");

        Introductions.Answer again = intro.answer(request(7, 1, "203.0.113.5:5000"), null, 2500);
        assertEquals("peer-gone", again.outcome());
        assertNull(again.forward());
        byte[] tag = request(7, 1, "203.0.113.5:5000").tag();
        byte[] expected = new byte[1 + 16 + 7];
        expected[0] = 16;
        System.arraycopy(tag, 0, expected, 1, 16); // then 00 00000000 0000
        assertArrayEquals(expected, again.redirect().encode());
    }

    @Test
    void unknownTagMemoryIsBounded() {
        Introductions intro = new Introductions(new IntroductionLimits(50, 1_000_000, 8));
        for (int i = 0; i < IntroductionLimits.UNKNOWN_TAG_MEMORY * 3; i++) {
            intro.answer(request(7, i, "10.0." + (i >> 8 & 0xff) + "." + (i & 0xff) + ":5000"), null, 1000);
        }
        assertEquals(IntroductionLimits.UNKNOWN_TAG_MEMORY, intro.rememberedUnknownTags());
    }

    @Test
    void observedFirstThenReportedWithOriginBitsAndBothFamilies() {
        Introductions.Target t = target(1, "198.51.100.7:4000", "192.168.1.20:4000", "[2001:db8::20]:4000");
        Introductions.Answer a = new Introductions(IntroductionLimits.defaults()).answer(request(1, 1, "203.0.113.5:5000"), t, 1);
        List<PeerAddress> listed = a.redirect().addresses();
        assertEquals(List.of("198.51.100.7:4000/2", "192.168.1.20:4000/1", "2001:db8:0:0:0:0:0:20:4000/1"),
                listed.stream().map(p -> p.ip().getHostAddress() + ":" + p.port() + "/" + p.origin()).toList());
        byte[] encoded = a.redirect().encode();
        // after the tag: 02 <v4> port | 01 <v4> port | 81 <v6> port
        assertEquals(0x02, encoded[17]);
        assertEquals(0x01, encoded[17 + 7]);
        assertEquals((byte) 0x81, encoded[17 + 14]);
        assertEquals(17 + 7 + 7 + 19, encoded.length);
    }

    @Test
    void behindTheSameNatThePrivateAddressesComeFirst() {
        Introductions.Target t = target(1, "198.51.100.7:4000", "192.168.1.20:4000", "192.168.1.21:4000");
        Introductions.Answer a = new Introductions(IntroductionLimits.defaults()).answer(request(1, 1, "198.51.100.7:6000"), t, 1);
        assertEquals(List.of("192.168.1.20:4000/1", "192.168.1.21:4000/1", "198.51.100.7:4000/2"),
                a.redirect().addresses().stream().map(p -> p.ip().getHostAddress() + ":" + p.port() + "/" + p.origin()).toList());
    }

    @Test
    void aReportedAddressEqualToTheObservedOneIsListedOnce() {
        Introductions.Target t = target(1, "198.51.100.7:4000", "198.51.100.7:4000");
        Introductions.Answer a = new Introductions(IntroductionLimits.defaults()).answer(request(1, 1, "203.0.113.5:5000"), t, 1);
        assertEquals(1, a.redirect().addresses().size());
        assertEquals(PeerAddress.ORIGIN_OBSERVED, a.redirect().addresses().get(0).origin());
    }

    @Test
    void redirectNeverListsMoreThanTheConfiguredAddresses() {
        String[] many = new String[40];
        for (int i = 0; i < many.length; i++) {
            many[i] = "10.1.0." + (i + 1) + ":4000";
        }
        Introductions.Target t = target(1, "198.51.100.7:4000", many);
        Introductions.Answer a = new Introductions(new IntroductionLimits(50, 20, 3)).answer(request(1, 1, "203.0.113.5:5000"), t, 1);
        assertEquals(3, a.redirect().addresses().size());
        assertEquals(PeerAddress.ORIGIN_OBSERVED, a.redirect().addresses().get(0).origin());
    }

    @Test
    void forwardedIHellosPerTargetAreLimitedButTheInitiatorStillGetsItsRedirect() {
        Introductions intro = new Introductions(new IntroductionLimits(5, 1000, 8));
        Introductions.Target t = target(1, "198.51.100.7:4000");
        int forwarded = 0;
        for (int i = 0; i < 50; i++) {
            Introductions.Answer a = intro.answer(request(1, i, "203.0.113." + i + ":5000"), t, 1000);
            assertNotNull(a.redirect());
            forwarded += a.forward() == null ? 0 : 1;
        }
        assertEquals(5, forwarded, "burst of one second's worth");
        assertNotNull(intro.answer(request(1, 99, "203.0.113.99:5000"), t, 1000 + 200).forward(), "refilled at 5/s");
    }

    @Test
    void introductionsPerSourceAreLimited() {
        Introductions intro = new Introductions(new IntroductionLimits(1000, 4, 8));
        int answered = 0;
        for (int i = 0; i < 40; i++) {
            Introductions.Answer a = intro.answer(request(i % 3, i, "203.0.113.5:" + (5000 + i)), target(i % 3, "198.51.100.7:4000"), 1000);
            answered += a.redirect() == null ? 0 : 1;
            if (a.redirect() == null) {
                assertEquals("rate-limited-source", a.outcome());
                assertNull(a.forward());
            }
        }
        assertEquals(4, answered);
        assertTrue(intro.answer(request(0, 1, "203.0.113.6:5000"), target(0, "198.51.100.7:4000"), 1000).redirect() != null,
                "another source is not affected");
    }
}
