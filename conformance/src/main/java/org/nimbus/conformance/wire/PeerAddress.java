package org.nimbus.conformance.wire;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * RFC 7016 §2.3.3 / §2.3.5 address: {@code flags(1) | IPv4(4) or IPv6(16) | port(2)}; flag 0x80
 * marks IPv6, the low two bits give the origin (0 unknown, 1 local, 2 observed, 3 relay).
 */
public record PeerAddress(int origin, InetAddress address, int port) {
    public static final int ORIGIN_UNKNOWN = 0;
    public static final int ORIGIN_LOCAL = 1;
    public static final int ORIGIN_OBSERVED = 2;
    public static final int ORIGIN_RELAY = 3;

    public static PeerAddress read(ByteReader r) {
        int flags = r.u8();
        byte[] ip = r.bytes((flags & 0x80) != 0 ? 16 : 4);
        int port = r.u16();
        try {
            return new PeerAddress(flags & 0x03, InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new WireFormatException("bad address");
        }
    }

    public byte[] encode() {
        byte[] ip = address.getAddress();
        return new ByteWriter().u8((ip.length == 16 ? 0x80 : 0) | (origin & 0x03)).bytes(ip).u16(port).toByteArray();
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(address, port);
    }

    /** The "peer gone" form of docs/interop.md: type 0, all-zero IPv4 address and port. */
    public boolean isEmpty() {
        return address.isAnyLocalAddress() && port == 0;
    }
}
