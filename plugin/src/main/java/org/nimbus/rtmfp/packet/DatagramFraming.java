package org.nimbus.rtmfp.packet;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Seals packets into datagrams and opens them again for one direction of one session, RFC 7425
 * §4.2-4.5 plus the negotiated alternatives of the Flash profile (rtmfp-cpp FlashCryptoAdapter):
 * <pre>
 * datagram  = scrambled session ID(4) | AES-CBC(plaintext) | [HMAC(ciphertext), if negotiated]
 * plaintext = [session sequence number VLU, if negotiated] | [checksum(2), unless HMAC] | packet | 0xff padding
 * </pre>
 * The checksum covers everything after it, padding included. Startup packets use the default key
 * with a checksum and neither option. Stateless: the caller keeps the sequence-number counter
 * and the replay window, because those belong to the session.
 */
public final class DatagramFraming {
    /** Marks "no session sequence number" in {@link #seal} and {@link Opened}. */
    public static final long NO_SEQUENCE_NUMBER = -1;
    private static final int BLOCK = 16;

    private final PacketCipher cipher;
    private final PacketMac mac;
    private final boolean sequenceNumbers;

    /**
     * @param mac the negotiated authenticator, or null for the checksum
     * @param sequenceNumbers whether a session sequence number leads the plaintext
     */
    public DatagramFraming(PacketCipher cipher, PacketMac mac, boolean sequenceNumbers) {
        this.cipher = cipher;
        this.mac = mac;
        this.sequenceNumbers = sequenceNumbers;
    }

    /** Checksum, no sequence numbers: startup packets and every Mona-family session. */
    public static DatagramFraming checksummed(PacketCipher cipher) {
        return new DatagramFraming(cipher, null, false);
    }

    public boolean authenticated() {
        return mac != null;
    }

    public boolean sequenceNumbers() {
        return sequenceNumbers;
    }

    public byte[] seal(int sessionId, long sequenceNumber, Packet packet) {
        return seal(sessionId, sequenceNumber, packet.encode());
    }

    /** @param packet header and chunks, unpadded */
    public byte[] seal(int sessionId, long sequenceNumber, byte[] packet) {
        int front = frontSize(sequenceNumber);
        int plainLength = roundUp(front + packet.length);
        byte[] plain = new byte[plainLength];
        ByteBuffer b = ByteBuffer.wrap(plain);
        if (sequenceNumbers) {
            Vlu.write(b, sequenceNumber);
        }
        int checksumAt = b.position();
        System.arraycopy(packet, 0, plain, front, packet.length);
        Arrays.fill(plain, front + packet.length, plainLength, (byte) 0xff);
        if (mac == null) {
            int sum = Checksum.compute(plain, checksumAt + 2, plainLength - checksumAt - 2);
            plain[checksumAt] = (byte) (sum >>> 8);
            plain[checksumAt + 1] = (byte) sum;
        }
        byte[] cipherText = cipher.encrypt(plain, 0, plainLength);
        int macLength = mac == null ? 0 : mac.length();
        byte[] out = new byte[4 + cipherText.length + macLength];
        System.arraycopy(cipherText, 0, out, 4, cipherText.length);
        if (mac != null) {
            System.arraycopy(mac.compute(cipherText, 0, cipherText.length), 0, out, 4 + cipherText.length, macLength);
        }
        Datagram.scramble(out, sessionId);
        return out;
    }

    /** The most header-and-chunk bytes that fit a datagram of {@code datagramLimit} bytes. */
    public int maxPacketSize(int datagramLimit, long sequenceNumber) {
        int room = datagramLimit - 4 - (mac == null ? 0 : mac.length());
        return (room / BLOCK) * BLOCK - frontSize(sequenceNumber);
    }

    private int frontSize(long sequenceNumber) {
        int n = mac == null ? 2 : 0;
        if (sequenceNumbers) {
            if (sequenceNumber < 0) {
                throw new IllegalArgumentException("session sequence numbers are on: a number is required");
            }
            n += Vlu.size(sequenceNumber);
        }
        return n;
    }

    private static int roundUp(int n) {
        return (n + BLOCK - 1) / BLOCK * BLOCK;
    }

    public Opened open(byte[] datagram) throws MalformedException {
        return open(datagram, 0, datagram.length);
    }

    /** Verifies, decrypts and parses; anything that does not fit is a {@link MalformedException}. */
    public Opened open(byte[] datagram, int off, int len) throws MalformedException {
        if (off < 0 || len < 0 || off + len > datagram.length) {
            throw new MalformedException("bad datagram bounds");
        }
        if (len > Datagram.MAX_RECEIVE_SIZE) {
            throw new MalformedException("datagram of " + len + " bytes");
        }
        int macLength = mac == null ? 0 : mac.length();
        int cipherLength = len - 4 - macLength;
        if (cipherLength < BLOCK || cipherLength % BLOCK != 0) {
            throw new MalformedException("ciphertext length " + cipherLength + " is not a positive multiple of 16");
        }
        int sessionId = Datagram.sessionId(datagram, off, len);
        if (mac != null) {
            byte[] expected = mac.compute(datagram, off + 4, cipherLength);
            byte[] actual = Arrays.copyOfRange(datagram, off + 4 + cipherLength, off + len);
            if (!MessageDigest.isEqual(expected, actual)) {
                throw new MalformedException("bad HMAC");
            }
        }
        byte[] plain = cipher.decrypt(datagram, off + 4, cipherLength);
        ByteBuffer b = ByteBuffer.wrap(plain);
        long sequenceNumber = sequenceNumbers ? Vlu.read(b) : NO_SEQUENCE_NUMBER;
        if (mac == null) {
            if (b.remaining() < 2) {
                throw new MalformedException("no room for the checksum");
            }
            int sum = b.getShort() & 0xffff;
            if (sum != Checksum.compute(plain, b.position(), b.remaining())) {
                throw new MalformedException("bad checksum");
            }
        }
        return new Opened(sessionId, sequenceNumber, Packet.decode(b));
    }

    /** A verified datagram: its session ID, its sequence number (or {@link #NO_SEQUENCE_NUMBER}), its packet. */
    public record Opened(int sessionId, long sequenceNumber, Packet packet) {
    }
}
