package org.nimbus.conformance.crypto;

import java.util.List;
import org.nimbus.conformance.wire.ByteWriter;
import org.nimbus.conformance.wire.Option;
import org.nimbus.conformance.wire.OptionList;

/**
 * The initiator's certificate (RFC 7425 §4): static DH public keys, option 0x1d
 * {@code group VLU | key}. Flash and librtmfp send one group-2 key ({@code 81 02 1d 02 <key>});
 * the reference implementation lists keys for several groups.
 */
public final class ClientCertificate {
    private ClientCertificate() {
    }

    public static byte[] encode(List<DiffieHellman> staticKeys) {
        ByteWriter w = new ByteWriter();
        for (DiffieHellman dh : staticKeys) {
            byte[] value = new ByteWriter().vlu(dh.group().id).bytes(dh.publicKey()).toByteArray();
            w.bytes(Option.of(ProfileOptions.CERT_STATIC_DH_PUBLIC_KEY, value).encode());
        }
        return w.toByteArray();
    }

    /** The groups a (server) certificate lists as supported, in its order (option 0x15). */
    public static List<Long> supportedGroups(byte[] certificate) {
        return OptionList.parse(certificate).all(ProfileOptions.CERT_SUPPORTED_DH_GROUP).stream()
                .map(Option::valueAsVlu).toList();
    }
}
