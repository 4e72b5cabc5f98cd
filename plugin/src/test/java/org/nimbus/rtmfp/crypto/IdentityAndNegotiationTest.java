package org.nimbus.rtmfp.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nimbus.rtmfp.crypto.Negotiation.Offer;
import org.nimbus.rtmfp.crypto.Negotiation.Outcome;
import org.nimbus.rtmfp.crypto.Negotiation.Policy;
import org.nimbus.rtmfp.packet.MalformedException;
import org.nimbus.rtmfp.packet.Vectors;

/** Certificates, peer IDs, fingerprints, keying components and the HMAC/SSN negotiation. */
class IdentityAndNegotiationTest {
    private static final CryptoProvider CRYPTO = new JcaCryptoProvider();

    @Test
    void librtmfpPeerIdsAndMonaFingerprint() throws MalformedException {
        for (JsonElement e : Vectors.file("startup-librtmfp-mona.json").getAsJsonArray("runs")) {
            JsonObject run = e.getAsJsonObject();
            JsonObject peer = run.getAsJsonObject("peer_id");
            FlashCertificate cert = FlashCertificate.parse(Vectors.hex(peer, "client_certificate_hex"));
            assertEquals(peer.get("testclient_log_peer_id").getAsString(), Vectors.hex(cert.fingerprint(CRYPTO)));
            assertEquals(List.of(2), cert.staticKeyGroups());
            assertEquals(128, cert.staticPublicKey(2).orElseThrow().length);
            assertTrue(cert.staticPublicKey(14).isEmpty());

            JsonObject server = run.getAsJsonObject("server_certificate");
            FlashCertificate sc = FlashCertificate.parse(Vectors.hex(server, "hex"));
            assertEquals(77, sc.encoded().length);
            assertEquals(List.of(2, 5, 14), sc.supportedGroups());
            assertTrue(sc.acceptsAncillaryData());
            assertEquals(server.get("fingerprint_sha256_computed").getAsString(), Vectors.hex(sc.fingerprint(CRYPTO)));
            // our own builder yields the same layout given the same randomness
            byte[] random = sc.options().get(1).value();
            assertArrayEquals(Vectors.hex(server, "hex"),
                    FlashCertificate.serverCertificate(random, List.of(DhGroup.GROUP_2, DhGroup.GROUP_5, DhGroup.GROUP_14)));
        }
    }

    @Test
    void tcserverFingerprintAndProbePeerId() throws MalformedException {
        for (String name : List.of("session-probe-tcserver-HS-g2.json", "session-probe-tcserver-HS-g14.json",
                "session-probe-tcserver-default-g2.json", "session-probe-tcserver-auth-g2.json")) {
            JsonObject hs = Vectors.file(name).getAsJsonObject("handshake");
            FlashCertificate server = FlashCertificate.parse(Vectors.hex(hs, "server_certificate_hex"));
            assertEquals(List.of(16, 14, 2), server.supportedGroups());
            assertEquals(hs.getAsJsonObject("server_fingerprint").get("tcserver_log_fingerprint").getAsString(),
                    Vectors.hex(server.fingerprint(CRYPTO)));
            FlashCertificate client = FlashCertificate.parse(Vectors.hex(hs, "client_certificate_hex"));
            assertEquals(hs.getAsJsonObject("client_peer_id").get("tcserver_log_accept_peerID").getAsString(),
                    Vectors.hex(client.fingerprint(CRYPTO)));
        }
    }

    /** Set 3: SHA-256 of each IIKeying certificate equals the peer ID TestClient logged for that address. */
    @Test
    void tcMonaPeerIds() throws MalformedException {
        JsonObject f = Vectors.file("tc-mona.json");
        Map<String, String> idByAddress = new HashMap<>();
        for (String scenario : List.of("p2p", "netgroup")) {
            for (Map.Entry<String, JsonElement> c : f.getAsJsonObject("participants").getAsJsonObject(scenario).getAsJsonObject("clients").entrySet()) {
                JsonObject o = c.getValue().getAsJsonObject();
                idByAddress.put(o.get("address").getAsString(), o.get("peer_id").getAsString());
            }
        }
        int checked = 0;
        for (Vectors.NamedPacket np : Vectors.packets()) {
            if (!np.file().equals("tc-mona.json") || !np.packet().get("to").getAsString().startsWith("MonaTiny")) {
                continue;
            }
            for (JsonElement c : np.packet().getAsJsonArray("chunks")) {
                JsonObject chunk = c.getAsJsonObject();
                if (chunk.get("type").getAsInt() == 0x38) {
                    String from = np.packet().get("from").getAsString();
                    String address = from.substring(from.lastIndexOf(' ') + 1);
                    byte[] cert = Vectors.hex(chunk.getAsJsonObject("fields"), "certificate_hex");
                    assertEquals(idByAddress.get(address), Vectors.hex(FlashCertificate.parse(cert).fingerprint(CRYPTO)), address);
                    checked++;
                }
            }
        }
        assertTrue(checked >= 3, "IIKeyings checked: " + checked);
    }

    @Test
    void certificateCanonicalPartEndsAtMarker() throws MalformedException {
        // hostname option, marker, then an option that must not count
        byte[] cert = Vectors.hex("0400616263" + "00" + "020a01");
        FlashCertificate c = FlashCertificate.parse(cert);
        assertArrayEquals(Vectors.hex("040061626300"), c.canonical());
        assertArrayEquals(CRYPTO.sha256(Vectors.hex("040061626300")), c.fingerprint(CRYPTO));
        assertEquals(1, c.options().size());
        assertThrows(MalformedException.class, () -> FlashCertificate.parse(Vectors.hex("05")));
        assertThrows(MalformedException.class, () -> FlashCertificate.parse(Vectors.hex("021d81")));
    }

    @Test
    void keyingComponentsOfVectors() throws MalformedException {
        JsonObject run = Vectors.file("startup-librtmfp-mona.json").getAsJsonArray("runs").get(0).getAsJsonObject();
        KeyingComponent skic = KeyingComponent.parse(Vectors.hex(run.getAsJsonObject("session"), "skic_hex"));
        assertEquals(2, skic.selectedGroup());
        assertEquals(-1, skic.publicKeyGroup());
        assertEquals(new Offer(0x02, 10), skic.hmac());
        assertEquals(new Offer(0x02, 0), skic.sequenceNumbers());
        KeyingComponent skrc = KeyingComponent.parse(Vectors.hex(run.getAsJsonObject("session"), "skrc_hex"));
        assertEquals(2, skrc.publicKeyGroup());
        assertEquals(128, skrc.publicKey().length);
        assertEquals(new Offer(0, 0), skrc.hmac());
        assertEquals(new Offer(0, 0), skrc.sequenceNumbers());

        KeyingComponent tcserver = KeyingComponent.parse(Vectors.hex(
                Vectors.file("session-probe-tcserver-default-g2.json").getAsJsonObject("handshake"), "skrc_hex"));
        assertEquals(new Offer(0x07, 16), tcserver.hmac());
        assertEquals(new Offer(0x07, 0), tcserver.sequenceNumbers());
    }

    /** Declining toward an offering client gives Mona's exact SKRC bytes. */
    @Test
    void declinedResponderComponentMatchesMona() throws MalformedException {
        JsonObject session = Vectors.file("startup-librtmfp-mona.json").getAsJsonArray("runs").get(0).getAsJsonObject().getAsJsonObject("session");
        byte[] monaSkrc = Vectors.hex(session, "skrc_hex");
        byte[] key = KeyingComponent.parse(monaSkrc).publicKey();
        Outcome hmac = Negotiation.respond(new Offer(0x02, 10), Policy.DECLINE_UNLESS_REQUESTED, 16, true);
        Outcome ssn = Negotiation.respond(new Offer(0x02, 0), Policy.DECLINE_UNLESS_REQUESTED, 0, false);
        assertArrayEquals(monaSkrc, KeyingComponent.responderComponent(hmac, ssn, DhGroup.GROUP_2, key));
    }

    @Test
    void negotiationInEveryCombination() throws MalformedException {
        // not offered (option absent)
        assertEquals(new Outcome(0, 0, false, 0, false, 0), Negotiation.respond(Offer.NONE, Policy.DECLINE_UNLESS_REQUESTED, 16, true));
        assertEquals(new Outcome(0, 0, false, 0, false, 0), Negotiation.respond(Offer.NONE, Policy.PREFER, 16, true));
        // offered (librtmfp 02, length 10): declined, or accepted both ways when we prefer it
        assertEquals(new Outcome(0, 0, false, 0, false, 0), Negotiation.respond(new Offer(0x02, 10), Policy.DECLINE_UNLESS_REQUESTED, 16, true));
        assertEquals(new Outcome(0x07, 16, true, 16, true, 10), Negotiation.respond(new Offer(0x02, 10), Policy.PREFER, 16, true));
        // required (01, as rtmfp-cpp tools send with 02: 03): accepted both ways
        assertEquals(new Outcome(0x07, 16, true, 16, true, 10), Negotiation.respond(new Offer(0x03, 10), Policy.DECLINE_UNLESS_REQUESTED, 16, true));
        assertEquals(new Outcome(0x07, 16, true, 16, true, 12), Negotiation.respond(new Offer(0x07, 12), Policy.DECLINE_UNLESS_REQUESTED, 16, true));
        // required but the initiator cannot send: we send, we do not ask
        assertEquals(new Outcome(0x06, 16, true, 16, false, 0), Negotiation.respond(new Offer(0x01, 0), Policy.DECLINE_UNLESS_REQUESTED, 16, true));
        // the initiator sends always without asking: we decline to send but must verify what it sends
        assertEquals(new Outcome(0, 0, false, 0, true, 8), Negotiation.respond(new Offer(0x04, 8), Policy.DECLINE_UNLESS_REQUESTED, 16, true));
        // sequence numbers: same flags, no length
        assertEquals(new Outcome(0, 0, false, 0, false, 0), Negotiation.respond(new Offer(0x02, 0), Policy.DECLINE_UNLESS_REQUESTED, 0, false));
        assertEquals(new Outcome(0x07, 0, true, 0, true, 0), Negotiation.respond(new Offer(0x03, 0), Policy.DECLINE_UNLESS_REQUESTED, 0, false));
        assertEquals(new Outcome(0x07, 0, true, 0, true, 0), Negotiation.respond(new Offer(0x02, 0), Policy.PREFER, 0, false));
        // an HMAC we must verify needs a usable length
        assertThrows(MalformedException.class, () -> Negotiation.respond(new Offer(0x03, 3), Policy.DECLINE_UNLESS_REQUESTED, 16, true));
        assertThrows(MalformedException.class, () -> Negotiation.respond(new Offer(0x04, 33), Policy.DECLINE_UNLESS_REQUESTED, 16, true));
        assertFalse(Negotiation.respond(new Offer(0x02, 3), Policy.DECLINE_UNLESS_REQUESTED, 16, true).receive());
    }
}
