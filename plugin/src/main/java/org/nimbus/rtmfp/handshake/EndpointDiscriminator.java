package org.nimbus.rtmfp.handshake;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.nimbus.rtmfp.packet.MalformedException;
import org.nimbus.rtmfp.packet.Option;
import org.nimbus.rtmfp.packet.OptionList;

/**
 * The EPD of an IHello under the Flash profile, RFC 7425 §4.4.2: options 0x00 required hostname,
 * 0x0a ancillary data and 0x0f fingerprint; at least one must be present. Ancillary data comes in
 * every form (a full {@code rtmfp://} URI from Flash Player and rtmfp-cpp, a bare path like
 * {@code live} or an empty value from librtmfp): all select this server. A fingerprint selects the
 * peer with that 32-byte peer ID (or this server, if it is our own fingerprint).
 * Absent options are null; arrays are not copied.
 */
public record EndpointDiscriminator(byte[] requiredHostname, byte[] ancillaryData, byte[] fingerprint) {
    public static final int REQUIRED_HOSTNAME = 0x00;
    public static final int ANCILLARY_DATA = 0x0a;
    public static final int FINGERPRINT = 0x0f;
    public static final int FINGERPRINT_LENGTH = 32;

    public static EndpointDiscriminator parse(byte[] epd) throws MalformedException {
        List<Option> options = OptionList.read(epd);
        byte[] host = value(options, REQUIRED_HOSTNAME);
        byte[] ancillary = value(options, ANCILLARY_DATA);
        byte[] fingerprint = value(options, FINGERPRINT);
        if (host == null && ancillary == null && fingerprint == null) {
            throw new MalformedException("EPD names no endpoint");
        }
        if (fingerprint != null && fingerprint.length != FINGERPRINT_LENGTH) {
            throw new MalformedException("fingerprint of " + fingerprint.length + " bytes");
        }
        return new EndpointDiscriminator(host, ancillary, fingerprint);
    }

    private static byte[] value(List<Option> options, int type) {
        return OptionList.first(options, type).map(Option::value).orElse(null);
    }

    /** The EPD of a peer by its ID, exactly {@code 21 0f <32 bytes>} as clients require in FIHello. */
    public static byte[] forPeer(byte[] peerId) {
        if (peerId.length != FINGERPRINT_LENGTH) {
            throw new IllegalArgumentException("peer ID of " + peerId.length + " bytes");
        }
        return OptionList.encode(List.of(new Option(FINGERPRINT, peerId)));
    }

    public boolean namesPeer() {
        return fingerprint != null;
    }

    /** The ancillary data as text (URI, path or empty), or null when absent. */
    public String ancillaryText() {
        return ancillaryData == null ? null : new String(ancillaryData, StandardCharsets.UTF_8);
    }
}
