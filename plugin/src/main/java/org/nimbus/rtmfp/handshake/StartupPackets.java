package org.nimbus.rtmfp.handshake;

import org.nimbus.rtmfp.crypto.CryptoProvider;
import org.nimbus.rtmfp.crypto.DefaultKey;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.DatagramFraming;
import org.nimbus.rtmfp.packet.MalformedException;
import org.nimbus.rtmfp.packet.Packet;
import org.nimbus.rtmfp.packet.PacketHeader;

/**
 * Handshake chunks travel in startup packets (RFC 7016 §2.2.4 mode 3, flags 0x0b with a
 * timestamp) under the default key (RFC 7425 §4.2): to session ID 0, except RIKeying, which goes
 * to the initiator's session ID.
 */
public final class StartupPackets {
    private final DatagramFraming framing;

    public StartupPackets(CryptoProvider crypto) {
        this.framing = DefaultKey.framing(crypto);
    }

    public byte[] seal(int sessionId, Chunk chunk, long nowMillis) {
        Packet p = Packet.of(PacketHeader.startup(PacketHeader.timestampAt(nowMillis)), chunk);
        return framing.seal(sessionId, DatagramFraming.NO_SEQUENCE_NUMBER, p);
    }

    /** Opens a datagram addressed to session ID 0 (or any other, for the client side of tests). */
    public DatagramFraming.Opened open(byte[] datagram, int off, int len) throws MalformedException {
        return framing.open(datagram, off, len);
    }
}
