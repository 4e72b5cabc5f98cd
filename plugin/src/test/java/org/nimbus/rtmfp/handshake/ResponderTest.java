package org.nimbus.rtmfp.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.nimbus.rtmfp.crypto.CryptoProvider;
import org.nimbus.rtmfp.crypto.DhGroup;
import org.nimbus.rtmfp.crypto.JcaCryptoProvider;
import org.nimbus.rtmfp.handshake.Responder.Established;
import org.nimbus.rtmfp.packet.Chunk;
import org.nimbus.rtmfp.packet.DatagramFraming;
import org.nimbus.rtmfp.packet.MalformedException;
import org.nimbus.rtmfp.packet.Packet;
import org.nimbus.rtmfp.packet.PacketHeader;
import org.nimbus.rtmfp.packet.Vectors;

/**
 * End to end without a socket: a client built here from plain BigInteger DH and javax.crypto HMAC
 * (none of the classes under test) runs the handshake against the Responder.
 */
class ResponderTest {
    private static final CryptoProvider CRYPTO = new JcaCryptoProvider();
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 58784);
    private static final long NOW = 1_700_000_000_000L;
    private static final HexFormat HEX = HexFormat.of();

    private final AtomicInteger allocations = new AtomicInteger();
    private final Responder responder = Responder.withDefaults(CRYPTO, "0123456789abcdef-secret".getBytes(), () -> 0x100 + allocations.incrementAndGet());

    /** The test's own client: one static DH key per group in its certificate (Flash/librtmfp form for one group). */
    private static final class Client {
        final Random random = new Random(42);
        final DhGroup group;
        final BigInteger x;
        final byte[] certificate;
        final byte[] skic;

        Client(DhGroup group, List<DhGroup> certificateGroups, String hmacOption, String ssnOption) {
            this(group, false, certificateGroups, hmacOption, ssnOption, group.id());
        }

        /** @param group16Key start the certificate with a (random) 4096-bit group-16 key, as rtmfp-cpp does */
        Client(DhGroup group, boolean group16Key, List<DhGroup> certificateGroups, String hmacOption, String ssnOption, int select) {
            this.group = group;
            this.x = new BigInteger(group.prime().bitLength() - 2, random);
            ByteArrayOutputStream cert = new ByteArrayOutputStream();
            if (group16Key) {
                byte[] key = new byte[512];
                random.nextBytes(key);
                cert.writeBytes(vlu(2 + key.length));
                cert.write(0x1d);
                cert.write(16);
                cert.writeBytes(key);
            }
            for (DhGroup g : certificateGroups) {
                BigInteger y = BigInteger.TWO.modPow(g == group ? x : BigInteger.valueOf(12345), g.prime());
                byte[] key = fixed(y, g.publicKeyLength());
                cert.writeBytes(vlu(2 + key.length));
                cert.write(0x1d);
                cert.write(g.id());
                cert.writeBytes(key);
            }
            this.certificate = cert.toByteArray();
            byte[] extra = new byte[64];
            random.nextBytes(extra);
            this.skic = HEX.parseHex("021d" + String.format("%02x", select) + "410e" + HEX.formatHex(extra) + hmacOption + ssnOption);
        }

        byte[] iikeyingPayload(int sessionId, byte[] cookie) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(HEX.parseHex(String.format("%08x", sessionId)));
            out.writeBytes(vlu(cookie.length));
            out.writeBytes(cookie);
            out.writeBytes(vlu(certificate.length));
            out.writeBytes(certificate);
            out.writeBytes(vlu(skic.length));
            out.writeBytes(skic);
            out.write(0x58);
            return out.toByteArray();
        }

        byte[] secretWith(byte[] serverKey) {
            byte[] s = new BigInteger(1, serverKey).modPow(x, group.prime()).toByteArray();
            int i = 0;
            while (i < s.length - 1 && s[i] == 0) {
                i++;
            }
            return Arrays.copyOfRange(s, i, s.length);
        }
    }

    private static byte[] vlu(int v) {
        return v < 0x80 ? new byte[] {(byte) v} : new byte[] {(byte) (0x80 | (v >> 7)), (byte) (v & 0x7f)};
    }

    private static byte[] fixed(BigInteger v, int len) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[len];
        int n = Math.min(raw.length, len);
        System.arraycopy(raw, raw.length - n, out, len - n, n);
        return out;
    }

    private static byte[] hmac(byte[] key, byte[] message) throws Exception {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(new SecretKeySpec(key, "HmacSHA256"));
        return m.doFinal(message);
    }

    private byte[] cookieFor(InetSocketAddress from, byte[] tag) {
        Responder.HelloOutcome out = responder.onIHello(from, new IHello(HEX.parseHex("050a6c697665"), tag), NOW);
        return assertInstanceOf(Responder.SendRHello.class, out).rhello().cookie();
    }

    @Test
    void librtmfpIHelloGetsMonaShapedRHello() throws MalformedException {
        JsonObject ihello = Vectors.file("startup-librtmfp-mona.json").getAsJsonArray("runs").get(0).getAsJsonObject()
                .getAsJsonArray("handshake_packets").get(0).getAsJsonObject().getAsJsonArray("chunks").get(0).getAsJsonObject();
        IHello hello = IHello.decode(Vectors.hex(ihello, "payload_hex"));
        RHello rhello = assertInstanceOf(Responder.SendRHello.class, responder.onIHello(CLIENT, hello, NOW)).rhello();
        assertArrayEquals(Vectors.hex(ihello.getAsJsonObject("fields"), "tag_hex"), rhello.tagEcho());
        assertEquals(16, rhello.tagEcho().length);
        assertEquals(64, rhello.cookie().length);
        String cert = HEX.formatHex(rhello.certificate());
        assertTrue(cert.matches("010a" + "410e[0-9a-f]{128}" + "021502" + "021505" + "02150e"), cert);
        assertArrayEquals(MessageDigestSha256(rhello.certificate()), responder.fingerprint());
        // same chunk length as MonaTiny's RHello in the vector (159)
        assertEquals(159, rhello.encode().length);
        // the librtmfp empty-path EPD and a full URI are accepted too
        for (String epd : List.of("010a", "1d0a72746d66703a2f2f3132372e302e302e313a31393335302f6c697665")) {
            assertInstanceOf(Responder.SendRHello.class, responder.onIHello(CLIENT, new IHello(HEX.parseHex(epd), new byte[16]), NOW));
        }
        assertInstanceOf(Responder.Ignored.class, responder.onIHello(CLIENT, new IHello(HEX.parseHex("020e01"), new byte[16]), NOW));
    }

    private static byte[] MessageDigestSha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void fingerprintEpdIsAnIntroductionUnlessItIsOurs() {
        byte[] peer = new byte[32];
        peer[0] = 7;
        byte[] tag = new byte[16];
        Responder.HelloOutcome out = responder.onIHello(CLIENT, new IHello(EndpointDiscriminator.forPeer(peer), tag), NOW);
        Responder.IntroductionRequest intro = assertInstanceOf(Responder.IntroductionRequest.class, out);
        assertArrayEquals(peer, intro.peerId());
        assertArrayEquals(tag, intro.tag());
        assertEquals(CLIENT, intro.source());
        assertInstanceOf(Responder.SendRHello.class,
                responder.onIHello(CLIENT, new IHello(EndpointDiscriminator.forPeer(responder.fingerprint()), tag), NOW));
    }

    /** librtmfp offers HMAC and SSN: RIKeying must be exactly sid | 81 0b [03 1a 00 00 | 02 1e 00 | 81 02 0d 02 key] | 58. */
    @Test
    void offeringClientGetsExactMonaRIKeyingAndSameKeys() throws Exception {
        Client client = new Client(DhGroup.GROUP_2, List.of(DhGroup.GROUP_2), "031a020a", "021e02");
        byte[] cookie = cookieFor(CLIENT, new byte[16]);
        IIKeying request = IIKeying.decode(client.iikeyingPayload(0x02000000, cookie));
        Responder.Keyed keyed = assertInstanceOf(Responder.Keyed.class, responder.onIIKeying(CLIENT, request, NOW + 10));
        assertFalse(keyed.retransmission());
        assertEquals(0x02000000, keyed.initiatorSessionId());

        String rik = HEX.formatHex(keyed.rikeying().encode());
        Matcher m = Pattern.compile("00000101" + "810b" + "031a0000" + "021e00" + "81020d02([0-9a-f]{256})" + "58").matcher(rik);
        assertTrue(m.matches(), rik);
        byte[] serverKey = HEX.parseHex(m.group(1));
        byte[] skrc = keyed.rikeying().skrc();

        Established s = keyed.session();
        assertEquals(0x101, s.responderSessionId());
        assertEquals(DhGroup.GROUP_2, s.group());
        assertArrayEquals(MessageDigestSha256(client.certificate), s.peerId());
        assertFalse(s.hmac().send() || s.hmac().receive() || s.ssn().send() || s.ssn().receive());

        byte[] secret = client.secretWith(serverKey);
        byte[] clientEncrypt = Arrays.copyOf(hmac(secret, hmac(skrc, client.skic)), 16);
        byte[] clientDecrypt = Arrays.copyOf(hmac(secret, hmac(client.skic, skrc)), 16);
        assertArrayEquals(clientEncrypt, s.keys().decryptKey());
        assertArrayEquals(clientDecrypt, s.keys().encryptKey());
        assertArrayEquals(hmac(secret, client.skic), s.keys().farNonce());
        assertArrayEquals(hmac(secret, skrc), s.keys().nearNonce());

        // the two framings talk to a client framed with the independently derived keys
        DatagramFraming clientSend = DatagramFraming.checksummed(CRYPTO.aes128Cbc(clientEncrypt));
        DatagramFraming clientReceive = DatagramFraming.checksummed(CRYPTO.aes128Cbc(clientDecrypt));
        Packet ping = Packet.of(new PacketHeader(0x09, 5, 0), new Chunk(Chunk.PING, new byte[] {1}));
        assertEquals(ping, s.receiveFraming().open(clientSend.seal(0x101, DatagramFraming.NO_SEQUENCE_NUMBER, ping)).packet());
        Packet reply = Packet.of(new PacketHeader(0x4e, 6, 5), new Chunk(Chunk.PING_REPLY, new byte[] {1}));
        DatagramFraming.Opened back = clientReceive.open(s.sendFraming().seal(0x02000000, DatagramFraming.NO_SEQUENCE_NUMBER, reply));
        assertEquals(0x02000000, back.sessionId());
        assertEquals(reply, back.packet());

        // retransmitted IIKeying: the same RIKeying, no new session
        Responder.Keyed again = assertInstanceOf(Responder.Keyed.class, responder.onIIKeying(CLIENT, request, NOW + 1000));
        assertTrue(again.retransmission());
        assertArrayEquals(keyed.rikeying().encode(), again.rikeying().encode());
        assertEquals(1, allocations.get());
        // the same cookie with another initiator session ID is not a retransmission
        IIKeying other = IIKeying.decode(client.iikeyingPayload(0x03000000, cookie));
        assertInstanceOf(Responder.Ignored.class, responder.onIIKeying(CLIENT, other, NOW + 1000));
        assertEquals(1, allocations.get());
    }

    @Test
    void newSessionsPerSourceAddressAreRateLimitedButRetransmissionsAreStillAnswered() throws Exception {
        responder.limitKeyingsPerSource(2);
        Client client = new Client(DhGroup.GROUP_2, List.of(DhGroup.GROUP_2), "", "");
        InetSocketAddress otherPort = new InetSocketAddress("127.0.0.1", 40000);
        InetSocketAddress otherHost = new InetSocketAddress("127.0.0.2", 58784);
        IIKeying first = IIKeying.decode(client.iikeyingPayload(1, cookieFor(CLIENT, new byte[16])));
        assertInstanceOf(Responder.Keyed.class, responder.onIIKeying(CLIENT, first, NOW));
        assertInstanceOf(Responder.Keyed.class, responder.onIIKeying(otherPort,
                IIKeying.decode(client.iikeyingPayload(2, cookieFor(otherPort, new byte[16]))), NOW));
        // a third new session from the same IP (any port) in the same second is dropped unanswered
        IIKeying third = IIKeying.decode(client.iikeyingPayload(3, cookieFor(CLIENT, new byte[16])));
        Responder.Ignored refused = assertInstanceOf(Responder.Ignored.class, responder.onIIKeying(CLIENT, third, NOW));
        assertEquals(Responder.RATE_LIMITED, refused.reason());
        assertEquals(2, allocations.get(), "no key agreement, no session ID for the refused one");
        // a retransmission of an answered IIKeying costs nothing and is answered
        assertTrue(assertInstanceOf(Responder.Keyed.class, responder.onIIKeying(CLIENT, first, NOW + 1)).retransmission());
        // another host is not affected
        assertInstanceOf(Responder.Keyed.class, responder.onIIKeying(otherHost,
                IIKeying.decode(client.iikeyingPayload(4, cookieFor(otherHost, new byte[16]))), NOW));
        // the refused initiator's retransmission gets in once the bucket refills (half a second at 2/s)
        assertInstanceOf(Responder.Keyed.class, responder.onIIKeying(CLIENT, third, NOW + 500));
    }

    @Test
    void withoutALimitEveryNewSessionIsKeyed() throws Exception {
        responder.limitKeyingsPerSource(0);
        Client client = new Client(DhGroup.GROUP_2, List.of(DhGroup.GROUP_2), "", "");
        for (int i = 1; i <= 60; i++) {
            assertInstanceOf(Responder.Keyed.class, responder.onIIKeying(CLIENT,
                    IIKeying.decode(client.iikeyingPayload(i, cookieFor(CLIENT, new byte[16]))), NOW));
        }
    }

    /** An rtmfp-cpp-like client: keys for 16, 14 and 2, selects 14, requires HMAC (length 10) and SSN. */
    @Test
    void requiringClientSelectingGroup14GetsBothAccepted() throws Exception {
        Client client = new Client(DhGroup.GROUP_14, true, List.of(DhGroup.GROUP_14, DhGroup.GROUP_2), "031a030a", "021e03", 14);
        byte[] cookie = cookieFor(CLIENT, new byte[16]);
        Responder.Keyed keyed = assertInstanceOf(Responder.Keyed.class,
                responder.onIIKeying(CLIENT, IIKeying.decode(client.iikeyingPayload(0x0badcafe, cookie)), NOW));
        String skrc = HEX.formatHex(keyed.rikeying().skrc());
        Matcher m = Pattern.compile("031a0710" + "021e07" + "82020d0e([0-9a-f]{512})").matcher(skrc);
        assertTrue(m.matches(), skrc);
        Established s = keyed.session();
        assertEquals(DhGroup.GROUP_14, s.group());
        assertTrue(s.hmac().send() && s.hmac().receive() && s.ssn().send() && s.ssn().receive());
        assertEquals(16, s.hmac().sendLength());
        assertEquals(10, s.hmac().receiveLength());

        byte[] secret = client.secretWith(HEX.parseHex(m.group(1)));
        byte[] skrcBytes = keyed.rikeying().skrc();
        byte[] encryptFull = hmac(secret, hmac(skrcBytes, client.skic));
        byte[] decryptFull = hmac(secret, hmac(client.skic, skrcBytes));
        DatagramFraming clientSend = new DatagramFraming(CRYPTO.aes128Cbc(Arrays.copyOf(encryptFull, 16)),
                CRYPTO.packetMac(hmac(secret, encryptFull), 10), true);
        DatagramFraming clientReceive = new DatagramFraming(CRYPTO.aes128Cbc(Arrays.copyOf(decryptFull, 16)),
                CRYPTO.packetMac(hmac(secret, decryptFull), 16), true);
        Packet p = Packet.of(new PacketHeader(0x0d, 1, 2), new Chunk(Chunk.SESSION_CLOSE_REQUEST, new byte[0]));
        DatagramFraming.Opened in = s.receiveFraming().open(clientSend.seal(0x101, 0, p));
        assertEquals(0, in.sequenceNumber());
        assertEquals(p, in.packet());
        assertEquals(p, clientReceive.open(s.sendFraming().seal(0x0badcafe, 3, p)).packet());
    }

    @Test
    void groupNotOfferedIsIgnored() throws MalformedException {
        // the client has a group-16 key and selects it, but our certificate does not offer 16
        Client client = new Client(DhGroup.GROUP_2, true, List.of(DhGroup.GROUP_2), "031a020a", "021e02", 16);
        byte[] cookie = cookieFor(CLIENT, new byte[16]);
        IIKeying k = IIKeying.decode(client.iikeyingPayload(0x02000000, cookie));
        Responder.Ignored ignored = assertInstanceOf(Responder.Ignored.class, responder.onIIKeying(CLIENT, k, NOW));
        assertTrue(ignored.reason().contains("not offered"), ignored.reason());
        assertEquals(0, allocations.get());
    }

    @Test
    void cookieFromAnotherAddressGetsACookieChange() throws MalformedException {
        Client client = new Client(DhGroup.GROUP_2, List.of(DhGroup.GROUP_2), "031a020a", "021e02");
        byte[] cookie = cookieFor(CLIENT, new byte[16]);
        InetSocketAddress moved = new InetSocketAddress("127.0.0.1", 58785);
        Responder.KeyingOutcome out = responder.onIIKeying(moved, IIKeying.decode(client.iikeyingPayload(0x02000000, cookie)), NOW);
        CookieChange change = assertInstanceOf(Responder.SendCookieChange.class, out).change();
        assertArrayEquals(cookie, change.oldCookie());
        assertEquals(64, change.newCookie().length);
        assertArrayEquals(change.encode(), CookieChange.decode(change.encode()).encode());
        assertInstanceOf(Responder.Keyed.class,
                responder.onIIKeying(moved, IIKeying.decode(client.iikeyingPayload(0x02000000, change.newCookie())), NOW + 5));
    }

    @Test
    void expiredForeignAndMisSizedCookiesAreIgnored() throws MalformedException {
        Client client = new Client(DhGroup.GROUP_2, List.of(DhGroup.GROUP_2), "031a020a", "021e02");
        byte[] cookie = cookieFor(CLIENT, new byte[16]);
        assertInstanceOf(Responder.Ignored.class,
                responder.onIIKeying(CLIENT, IIKeying.decode(client.iikeyingPayload(1, cookie)), NOW + 96_000));
        assertInstanceOf(Responder.Ignored.class,
                responder.onIIKeying(CLIENT, IIKeying.decode(client.iikeyingPayload(1, cookie)), NOW - 2_000));
        byte[] forged = cookie.clone();
        forged[10] ^= 1;
        assertInstanceOf(Responder.Ignored.class,
                responder.onIIKeying(CLIENT, IIKeying.decode(client.iikeyingPayload(1, forged)), NOW));
        byte[] tcserverCookie = Vectors.hex(Vectors.file("session-probe-tcserver-HS-g2.json").getAsJsonObject("handshake"), "cookie_hex");
        assertInstanceOf(Responder.Ignored.class,
                responder.onIIKeying(CLIENT, IIKeying.decode(client.iikeyingPayload(1, tcserverCookie)), NOW));
        Responder other = Responder.withDefaults(CRYPTO, "another-secret-16bytes".getBytes(), () -> 9);
        assertInstanceOf(Responder.Ignored.class,
                other.onIIKeying(CLIENT, IIKeying.decode(client.iikeyingPayload(1, cookie)), NOW));
        assertEquals(0, allocations.get());
        // still valid at 94 s
        assertInstanceOf(Responder.Keyed.class,
                responder.onIIKeying(CLIENT, IIKeying.decode(client.iikeyingPayload(1, cookie)), NOW + 94_000));
    }
}
