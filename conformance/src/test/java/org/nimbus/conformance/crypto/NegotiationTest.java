package org.nimbus.conformance.crypto;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.nimbus.conformance.Vectors;
import org.nimbus.conformance.wire.Hex;
import org.nimbus.conformance.wire.OptionList;

/** RFC 7425 §4.6 HMAC / SSN negotiation, checked against what the captured sessions really used. */
class NegotiationTest {

    @Test
    void set2OutcomesMatchTheWire() {
        for (String f : Vectors.SET2) {
            JsonObject file = Vectors.file(f);
            OptionList skrc = OptionList.parse(Vectors.hex(file.getAsJsonObject("handshake"), "skrc_hex"));
            // The probe always offered (02, length 10) in these runs.
            Negotiated hmac = Negotiated.resolve(NegotiationMode.OFFERED, 10, skrc, ProfileOptions.KEYING_HMAC_NEGOTIATION);
            Negotiated ssn = Negotiated.resolve(NegotiationMode.OFFERED, 0, skrc, ProfileOptions.KEYING_SSN_NEGOTIATION);
            JsonObject hin = file.getAsJsonObject("keys").getAsJsonObject("hmac_in_use");
            JsonObject sin = file.getAsJsonObject("keys").getAsJsonObject("ssn_in_use");
            assertEquals(hin.get("client_to_server").getAsBoolean(), hmac.send(), f);
            assertEquals(hin.get("server_to_client").getAsBoolean(), hmac.receive(), f);
            if (hmac.receive()) {
                assertEquals(hin.get("server_to_client_length").getAsInt(), hmac.receiveLength());
                assertEquals(hin.get("client_to_server_length").getAsInt(), hmac.sendLength());
            }
            assertEquals(sin.get("client_to_server").getAsBoolean(), ssn.send(), f);
            assertEquals(sin.get("server_to_client").getAsBoolean(), ssn.receive(), f);
        }
    }

    @Test
    void monaDeclinesBoth() {
        OptionList skrc = OptionList.parse(Hex.decode("031a0000021e00"));
        Negotiated h = Negotiated.resolve(NegotiationMode.OFFERED, 10, skrc, ProfileOptions.KEYING_HMAC_NEGOTIATION);
        assertFalse(h.send());
        assertFalse(h.receive());
        assertThrows(IllegalStateException.class,
                () -> Negotiated.resolve(NegotiationMode.REQUIRED, 10, skrc, ProfileOptions.KEYING_HMAC_NEGOTIATION));
    }

    @Test
    void requiredIsHonouredBySendOnRequest() {
        OptionList skrc = OptionList.parse(Hex.decode("031a0210" + "021e02"));
        Negotiated h = Negotiated.resolve(NegotiationMode.REQUIRED, 10, skrc, ProfileOptions.KEYING_HMAC_NEGOTIATION);
        assertTrue(h.receive());
        assertEquals(16, h.receiveLength());
        assertFalse(h.send());
    }

    @Test
    void skicLayoutMatchesLibrtmfp() {
        byte[] rnd = new byte[64];
        byte[] skic = KeyingComponent.initiator(DhGroup.GROUP_2, rnd, NegotiationMode.OFFERED, 10, NegotiationMode.OFFERED);
        assertEquals("021d02" + "410e" + "00".repeat(64) + "031a020a" + "021e02", Hex.encode(skic));
        byte[] none = KeyingComponent.initiator(DhGroup.GROUP_14, rnd, NegotiationMode.NOT_OFFERED, 10, NegotiationMode.NOT_OFFERED);
        assertEquals("021d0e" + "410e" + "00".repeat(64), Hex.encode(none));
    }

    @Test
    void flashCertificateForm() {
        JsonObject dh = Vectors.file(Vectors.SET2.get(0)).getAsJsonObject("dh");
        DiffieHellman k = DiffieHellman.fromPrivate(DhGroup.GROUP_2, new java.math.BigInteger(dh.get("client_private_hex").getAsString(), 16).toByteArray());
        byte[] cert = ClientCertificate.encode(java.util.List.of(k));
        assertEquals(Vectors.file(Vectors.SET2.get(0)).getAsJsonObject("handshake").get("client_certificate_hex").getAsString(),
                Hex.encode(cert));
    }
}
