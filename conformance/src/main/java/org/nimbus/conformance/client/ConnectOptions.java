package org.nimbus.conformance.client;

import java.security.SecureRandom;
import java.time.Duration;
import org.nimbus.conformance.crypto.DhGroup;
import org.nimbus.conformance.crypto.NegotiationMode;

/**
 * Everything a conformance case may vary in a handshake. Defaults are librtmfp's choices:
 * group 2, Flash certificate, HMAC and SSN offered (HMAC length 10), bare-path EPD.
 * The {@code fixed*} fields make a handshake reproducible for byte-vector tests.
 */
public final class ConnectOptions {
    public DhGroup dhGroup = DhGroup.GROUP_2;
    public CertificateForm certificateForm = CertificateForm.FLASH;
    public NegotiationMode hmac = NegotiationMode.OFFERED;
    public int hmacLength = 10;
    public NegotiationMode ssn = NegotiationMode.OFFERED;
    public EpdForm epdForm = EpdForm.PATH;
    /** Overall limit for IHello→RIKeying; RFC 7016 allows 95 s, a test wants less. */
    public Duration handshakeTimeout = Duration.ofSeconds(10);
    /** RFC 7016 §3.5.1: first retransmission after this, each later one {@link #retransmitBackoff} longer. */
    public Duration initialRetransmit = Duration.ofSeconds(1);
    public Duration retransmitBackoff = Duration.ofMillis(1500);
    public SecureRandom random = new SecureRandom();

    /**
     * Where the handshake takes its key pairs: null draws fresh full-length keys per handshake (as
     * Flash, librtmfp and rtmfp-cpp do); the load mode hands one reused key per group.
     */
    public java.util.function.Function<DhGroup, org.nimbus.conformance.crypto.DiffieHellman> dhKeys;

    public byte[] fixedTag;
    public Integer fixedInitiatorSessionId;
    public byte[] fixedDhPrivateKey;
    public byte[] fixedSkicRandomness;

    public static ConnectOptions defaults() {
        return new ConnectOptions();
    }

    public ConnectOptions dhGroup(DhGroup g) {
        dhGroup = g;
        return this;
    }

    public ConnectOptions certificateForm(CertificateForm f) {
        certificateForm = f;
        return this;
    }

    public ConnectOptions hmac(NegotiationMode m, int length) {
        hmac = m;
        hmacLength = length;
        return this;
    }

    public ConnectOptions ssn(NegotiationMode m) {
        ssn = m;
        return this;
    }

    public ConnectOptions epd(EpdForm f) {
        epdForm = f;
        return this;
    }

    public ConnectOptions timeout(Duration d) {
        handshakeTimeout = d;
        return this;
    }
}
