package org.nimbus.conformance.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 7016 §2.1.5 socket addresses as Redirects (§2.3.5) and Forwarded IHellos (§2.3.3) carry
 * them, IPv4 and IPv6 side by side: flags byte (0x80 = IPv6, low two bits the origin), 4 or 16
 * address bytes, 16-bit port. The bytes are written out by hand here.
 */
class PeerAddressTest {
    private static final String TAG = "000102030405060708090a0b0c0d0e0f";

    @Test
    void aRedirectListingBothFamiliesDecodesEachEntryWithItsOriginAndReEncodesAlike() {
        byte[] payload = Hex.decode("10" + TAG
                + "01" + "7f000002" + "04d2"                                  // 127.0.0.2:1234, local
                + "81" + "00000000000000000000000000000001" + "04d2"          // [::1]:1234, local, IPv6
                + "82" + "20010db8000000000000000000000001" + "ffff"          // [2001:db8::1]:65535, observed, IPv6
                + "02" + "c0000201" + "0001");                               // 192.0.2.1:1, observed
        Redirect r = Redirect.decode(payload);
        assertEquals(TAG, Hex.encode(r.tagEcho()));
        assertEquals(List.of(new InetSocketAddress("127.0.0.2", 1234), new InetSocketAddress("::1", 1234),
                        new InetSocketAddress("2001:db8::1", 65535), new InetSocketAddress("192.0.2.1", 1)),
                r.destinations().stream().map(PeerAddress::socketAddress).toList());
        assertEquals(List.of(PeerAddress.ORIGIN_LOCAL, PeerAddress.ORIGIN_LOCAL, PeerAddress.ORIGIN_OBSERVED,
                PeerAddress.ORIGIN_OBSERVED), r.destinations().stream().map(PeerAddress::origin).toList());
        assertInstanceOf(Inet4Address.class, r.destinations().get(0).address());
        assertInstanceOf(Inet6Address.class, r.destinations().get(1).address());
        assertInstanceOf(Inet6Address.class, r.destinations().get(2).address());
        assertArrayEquals(payload, r.toChunk().payload());
    }

    @Test
    void aForwardedIHelloWithAnIpv6ReplyAddress() {
        String peerId = "ab".repeat(32);
        byte[] payload = Hex.decode("22" + "210f" + peerId + "82" + "00000000000000000000000000000001" + "c350" + TAG);
        ForwardedIHello f = ForwardedIHello.decode(payload);
        assertEquals("210f" + peerId, Hex.encode(f.epd()));
        assertEquals(new InetSocketAddress("::1", 50000), f.replyAddress().socketAddress());
        assertEquals(PeerAddress.ORIGIN_OBSERVED, f.replyAddress().origin());
        assertEquals(TAG, Hex.encode(f.tag()));
        assertArrayEquals(payload, f.toChunk().payload());
    }

    @Test
    void anIpv6EntryCutShortIsAFormatError() {
        // The 0x80 flag promises 16 address bytes; only 4 and a port follow.
        assertThrows(WireFormatException.class, () -> Redirect.decode(Hex.decode("10" + TAG + "82" + "7f000001" + "04d2")));
    }
}
