package org.nimbus.rtmfp.handshake;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import org.nimbus.rtmfp.packet.MalformedException;

/**
 * An address as Redirect and Forwarded IHello carry it, RFC 7016 §2.3.5: a flags byte (0x80 set
 * for IPv6; low two bits the origin: 0 unknown, 1 local/reported, 2 public/observed,
 * 3 redirector), the 4- or 16-byte IP, and a 16-bit port.
 */
public record PeerAddress(InetAddress ip, int port, int origin) {
    public static final int ORIGIN_UNKNOWN = 0;
    public static final int ORIGIN_LOCAL = 1;
    public static final int ORIGIN_OBSERVED = 2;
    public static final int ORIGIN_REDIRECTOR = 3;
    private static final int IPV6 = 0x80;

    public PeerAddress {
        if (port < 0 || port > 0xffff || origin < 0 || origin > 3) {
            throw new IllegalArgumentException("port " + port + " origin " + origin);
        }
    }

    public static PeerAddress of(InetSocketAddress address, int origin) {
        return new PeerAddress(address.getAddress(), address.getPort(), origin);
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(ip, port);
    }

    public static PeerAddress read(ByteBuffer in) throws MalformedException {
        if (!in.hasRemaining()) {
            throw new MalformedException("missing address");
        }
        int flags = in.get() & 0xff;
        byte[] ip = new byte[(flags & IPV6) != 0 ? 16 : 4];
        if (in.remaining() < ip.length + 2) {
            throw new MalformedException("truncated address");
        }
        in.get(ip);
        int port = in.getShort() & 0xffff;
        try {
            return new PeerAddress(InetAddress.getByAddress(ip), port, flags & 0x03);
        } catch (UnknownHostException e) {
            throw new MalformedException("bad IP length");
        }
    }

    public int size() {
        return 1 + ip.getAddress().length + 2;
    }

    public void write(ByteBuffer out) {
        byte[] raw = ip.getAddress();
        out.put((byte) ((ip instanceof Inet6Address ? IPV6 : 0) | origin));
        out.put(raw);
        out.putShort((short) port);
    }
}
