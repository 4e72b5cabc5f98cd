package org.nimbus.conformance.crypto;

/** Option type codes of the Flash cryptography profile (RFC 7425 §4). */
public final class ProfileOptions {
    /** Endpoint discriminator options. */
    public static final int EPD_REQUIRED_HOSTNAME = 0x00;
    public static final int EPD_ANCILLARY_DATA = 0x0a;
    public static final int EPD_FINGERPRINT = 0x0f;

    /** Certificate options. */
    public static final int CERT_HOSTNAME = 0x00;
    public static final int CERT_ACCEPTS_ANCILLARY_DATA = 0x0a;
    public static final int CERT_EXTRA_RANDOMNESS = 0x0e;
    public static final int CERT_SUPPORTED_DH_GROUP = 0x15;
    public static final int CERT_STATIC_DH_PUBLIC_KEY = 0x1d;

    /** Session key component (SKIC / SKRC) options. */
    public static final int KEYING_EPHEMERAL_DH_PUBLIC_KEY = 0x0d;
    public static final int KEYING_EXTRA_RANDOMNESS = 0x0e;
    public static final int KEYING_HMAC_NEGOTIATION = 0x1a;
    public static final int KEYING_DH_GROUP_SELECT = 0x1d;
    public static final int KEYING_SSN_NEGOTIATION = 0x1e;

    /** Negotiation flags (HMAC and SSN options, RFC 7425 §4.6). */
    public static final int NEGOTIATE_SEND_ALWAYS = 0x04;
    public static final int NEGOTIATE_SEND_ON_REQUEST = 0x02;
    public static final int NEGOTIATE_REQUEST = 0x01;

    private ProfileOptions() {
    }
}
