package org.nimbus.conformance.crypto;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nimbus.conformance.Vectors;
import org.nimbus.conformance.wire.Hex;

/** RFC 7425 §4.6 key derivation and the DH groups, against the captured secrets. */
class KeyDerivationVectorTest {

    @TestFactory
    Stream<DynamicTest> set2RecomputesSharedSecretFromPrivateExponent() {
        return Vectors.SET2.stream().map(f -> DynamicTest.dynamicTest(f, () -> {
            JsonObject dh = Vectors.file(f).getAsJsonObject("dh");
            DhGroup g = DhGroup.byId(dh.get("group").getAsInt()).orElseThrow();
            assertEquals(new BigInteger(dh.get("prime_hex").getAsString(), 16), g.prime());
            DiffieHellman mine = DiffieHellman.fromPrivate(g, new java.math.BigInteger(dh.get("client_private_hex").getAsString(), 16).toByteArray());
            assertEquals(dh.get("client_public_hex").getAsString(), Hex.encode(mine.publicKey()));
            byte[] s = mine.sharedSecret(Vectors.hex(dh, "server_public_hex"));
            assertEquals(dh.get("shared_secret_hex").getAsString(), Hex.encode(s));
            assertEquals(dh.get("shared_secret_length").getAsInt(), s.length);
        }));
    }

    @TestFactory
    Stream<DynamicTest> set2DerivesEveryKey() {
        return Vectors.SET2.stream().map(f -> DynamicTest.dynamicTest(f, () -> {
            JsonObject file = Vectors.file(f);
            JsonObject hs = file.getAsJsonObject("handshake");
            JsonObject keys = file.getAsJsonObject("keys");
            SessionKeys k = SessionKeys.deriveForInitiator(Vectors.hex(file.getAsJsonObject("dh"), "shared_secret_hex"),
                    Vectors.hex(hs, "skic_hex"), Vectors.hex(hs, "skrc_hex"));
            assertEquals(keys.get("client_encrypt_key_hex").getAsString(), Hex.encode(k.encryptKey()));
            assertEquals(keys.get("client_decrypt_key_hex").getAsString(), Hex.encode(k.decryptKey()));
            assertEquals(keys.get("encrypt_hmac_full_hex").getAsString(), Hex.encode(k.encryptFull()));
            assertEquals(keys.get("decrypt_hmac_full_hex").getAsString(), Hex.encode(k.decryptFull()));
            assertEquals(keys.get("hmac_send_key_hex").getAsString(), Hex.encode(k.hmacSendKey()));
            assertEquals(keys.get("hmac_recv_key_hex").getAsString(), Hex.encode(k.hmacRecvKey()));
            assertEquals(keys.get("near_nonce_hex").getAsString(), Hex.encode(k.nearNonce()));
            assertEquals(keys.get("far_nonce_hex").getAsString(), Hex.encode(k.farNonce()));
        }));
    }

    /** Sets 1 and 3: secrets logged by TestClient. */
    static List<JsonObject> loggedSessions() {
        List<JsonObject> out = new ArrayList<>();
        for (JsonElement run : Vectors.file(Vectors.STARTUP).getAsJsonArray("runs")) {
            out.add(run.getAsJsonObject().getAsJsonObject("session"));
        }
        JsonObject parts = Vectors.file(Vectors.TC_MONA).getAsJsonObject("participants");
        for (String scenario : parts.keySet()) {
            JsonObject clients = parts.getAsJsonObject(scenario).getAsJsonObject("clients");
            for (String c : clients.keySet()) {
                out.add(clients.getAsJsonObject(c).getAsJsonObject("server_session"));
            }
        }
        return out;
    }

    @Test
    void sets1And3DeriveLoggedKeys() {
        List<JsonObject> sessions = loggedSessions();
        assertEquals(7, sessions.size());
        for (JsonObject s : sessions) {
            SessionKeys k = SessionKeys.deriveForInitiator(Vectors.hex(s, "shared_secret_hex"), Vectors.hex(s, "skic_hex"),
                    Vectors.hex(s, "skrc_hex"));
            assertEquals(s.get("client_encrypt_key_hex").getAsString(), Hex.encode(k.encryptKey()));
            assertEquals(s.get("client_decrypt_key_hex").getAsString(), Hex.encode(k.decryptKey()));
        }
    }

    @Test
    void everyGroupIsASafePrimeOfTheRightSize() {
        for (DhGroup g : DhGroup.values()) {
            BigInteger p = g.prime();
            assertEquals(g.bits, p.bitLength(), g.name());
            assertTrue(p.isProbablePrime(40), g.name());
            assertTrue(p.shiftRight(1).isProbablePrime(40), g.name() + " (p-1)/2");
        }
    }

    @Test
    void sharedSecretWithLeadingZeroIsMinimal() {
        // Synthetic: search a small exponent pair whose secret has a leading zero byte.
        DhGroup g = DhGroup.GROUP_2;
        for (int a = 2; a < 5000; a++) {
            DiffieHellman x = DiffieHellman.fromPrivate(g, BigInteger.valueOf(a).toByteArray());
            DiffieHellman y = DiffieHellman.fromPrivate(g, BigInteger.valueOf(a + 7919).toByteArray());
            byte[] s = x.sharedSecret(y.publicKey());
            BigInteger expect = new BigInteger(1, y.publicKey()).modPow(BigInteger.valueOf(a), g.prime());
            if (expect.bitLength() <= 1016) {
                assertEquals(128 - (1023 - expect.bitLength() + 1) / 8, s.length, "no leading zero byte kept");
                assertNotEquals(0, s[0]);
                return;
            }
            assertEquals(128, s.length);
        }
        fail("no leading-zero secret found");
    }

    @Test
    void peerIdAndFingerprintMatchLogs() {
        for (String f : Vectors.SET2) {
            JsonObject hs = Vectors.file(f).getAsJsonObject("handshake");
            assertEquals(hs.getAsJsonObject("client_peer_id").get("tcserver_log_accept_peerID").getAsString(),
                    Hex.encode(Identity.peerId(Vectors.hex(hs, "client_certificate_hex"))));
            assertEquals(hs.getAsJsonObject("server_fingerprint").get("tcserver_log_fingerprint").getAsString(),
                    Hex.encode(Identity.fingerprint(Vectors.hex(hs, "server_certificate_hex"))));
        }
        for (JsonElement run : Vectors.file(Vectors.STARTUP).getAsJsonArray("runs")) {
            JsonObject pid = run.getAsJsonObject().getAsJsonObject("peer_id");
            assertEquals(pid.get("testclient_log_peer_id").getAsString().toLowerCase(),
                    Hex.encode(Identity.peerId(Vectors.hex(pid, "client_certificate_hex"))));
        }
    }

    @Test
    void fingerprintStopsAtMarker() {
        byte[] cert = Hex.decode("010a" + "00" + "021502");
        assertArrayEquals(Identity.sha256(Hex.decode("010a00")), Identity.fingerprint(cert));
    }
}
