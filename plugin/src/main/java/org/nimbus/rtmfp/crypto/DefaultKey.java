package org.nimbus.rtmfp.crypto;

import java.nio.charset.StandardCharsets;
import org.nimbus.rtmfp.packet.DatagramFraming;

/**
 * RFC 7425 §4.2: until keying completes, packets are encrypted with the fixed key
 * "Adobe Systems 02" and carry a checksum (IHello, RHello, IIKeying, RIKeying, Redirect).
 */
public final class DefaultKey {
    private static final byte[] KEY = "Adobe Systems 02".getBytes(StandardCharsets.US_ASCII);

    private DefaultKey() {
    }

    public static byte[] key() {
        return KEY.clone();
    }

    public static DatagramFraming framing(CryptoProvider crypto) {
        return DatagramFraming.checksummed(crypto.aes128Cbc(KEY));
    }
}
