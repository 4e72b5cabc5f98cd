package org.nimbus.conformance.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nimbus.conformance.client.CertificateForm;
import org.nimbus.conformance.client.ConnectOptions;
import org.nimbus.conformance.client.EpdForm;
import org.nimbus.conformance.client.Handshake;
import org.nimbus.conformance.client.RtmfpClient;
import org.nimbus.conformance.client.Session;
import org.nimbus.conformance.crypto.ClientCertificate;
import org.nimbus.conformance.crypto.DhGroup;
import org.nimbus.conformance.crypto.NegotiationMode;
import org.nimbus.conformance.wire.Chunk;
import org.nimbus.conformance.wire.ChunkType;
import org.nimbus.conformance.wire.CryptoDirection;
import org.nimbus.conformance.wire.DatagramCodec;
import org.nimbus.conformance.wire.Packet;
import org.nimbus.conformance.wire.PacketMode;
import org.nimbus.conformance.wire.Ping;
import org.nimbus.conformance.wire.RHello;
import org.nimbus.conformance.wire.RIKeying;

/** Session startup, crypto negotiation and basic session behaviour (RFC 7016 §3.5, RFC 7425 §4). */
public final class HandshakeSuite implements Suite {
    @Override
    public String name() {
        return "handshake";
    }

    @Override
    public List<ConformanceCase> cases() {
        List<ConformanceCase> c = new ArrayList<>();
        c.add(new ConformanceCase("HS-01", "7425 §4", "DH group 2, Flash certificate",
                t -> connectAndPing(t, t.options().dhGroup(DhGroup.GROUP_2))));
        c.add(new ConformanceCase("HS-02", "7425 §4", "DH group 14, Flash certificate",
                t -> ifGroupOffered(t, DhGroup.GROUP_14, t.options().dhGroup(DhGroup.GROUP_14))));
        c.add(new ConformanceCase("HS-03", "7425 §4", "multi-group certificate (16/14/2), 14 selected in SKIC",
                t -> ifGroupOffered(t, DhGroup.GROUP_14,
                        t.options().dhGroup(DhGroup.GROUP_14).certificateForm(CertificateForm.MULTI_GROUP))));
        int n = 4;
        NegotiationMode[] modes = {NegotiationMode.NOT_OFFERED, NegotiationMode.OFFERED, NegotiationMode.REQUIRED};
        for (NegotiationMode hmac : modes) {
            for (NegotiationMode ssn : modes) {
                c.add(new ConformanceCase(String.format("HS-%02d", n++), "7425 §4.6",
                        "HMAC " + label(hmac) + ", SSN " + label(ssn), t -> negotiation(t, hmac, ssn)));
            }
        }
        for (EpdForm f : EpdForm.values()) {
            c.add(new ConformanceCase(String.format("HS-%02d", n++), "7016 §2.3.2",
                    "IHello EPD " + f.name().toLowerCase().replace('_', ' '), t -> connectAndPing(t, t.options().epd(f))));
        }
        c.add(new ConformanceCase(String.format("HS-%02d", n++), "7016 §2.3.4", "RHello tag echo 16 bytes, cookie 64 bytes",
                HandshakeSuite::rhelloShape));
        c.add(new ConformanceCase(String.format("HS-%02d", n++), "7016 §3.5.1.2", "retransmitted IIKeying gets the same RIKeying",
                HandshakeSuite::iikeyingRetransmission));
        c.add(new ConformanceCase(String.format("HS-%02d", n++), "7425 §4.4", "IHello with bad checksum ignored, then a good client connects",
                HandshakeSuite::badChecksumStartup));
        c.add(new ConformanceCase(String.format("HS-%02d", n++), "7425 §4.4", "session packet with bad checksum ignored, next one answered",
                HandshakeSuite::badChecksumSession));
        c.add(new ConformanceCase(String.format("HS-%02d", n++), "7016 §2.2.4", "server packets: responder mode, timestamp present",
                HandshakeSuite::serverPacketHeaders));
        c.add(new ConformanceCase(String.format("HS-%02d", n), "7016 §3.5.5", "Session Close 0x0c answered by 0x4c",
                HandshakeSuite::closeAck));
        return c;
    }

    private static String label(NegotiationMode m) {
        return switch (m) {
            case NOT_OFFERED -> "not offered";
            case OFFERED -> "offered (02)";
            case REQUIRED -> "required (01)";
            case ALWAYS -> "always (07)";
        };
    }

    static Outcome connectAndPing(Target t, ConnectOptions o) throws Exception {
        try (RtmfpClient client = t.client()) {
            Session s = client.connect(t.uri(), o);
            Duration rtt = s.ping(t.timeout());
            boolean closed = s.close(t.timeout());
            return Outcome.check(closed, "group " + s.info().group().id + ", ping " + rtt.toMillis() + " ms"
                    + (closed ? "" : ", close not acknowledged"));
        }
    }

    static Outcome ifGroupOffered(Target t, DhGroup g, ConnectOptions o) throws Exception {
        try (RtmfpClient client = t.client()) {
            RHello h = client.handshake(t.uri(), t.options()).awaitRHello();
            List<Long> groups = ClientCertificate.supportedGroups(h.certificate());
            if (!groups.isEmpty() && !groups.contains((long) g.id)) {
                return Outcome.na("server certificate lists groups " + groups);
            }
        }
        return connectAndPing(t, o);
    }

    static Outcome negotiation(Target t, NegotiationMode hmac, NegotiationMode ssn) throws Exception {
        try (RtmfpClient client = t.client()) {
            Session s = client.connect(t.uri(), t.options().hmac(hmac, 10).ssn(ssn));
            var h = s.info().hmac();
            var q = s.info().ssn();
            String detail = String.format("hmac send %s/recv %s(%d), ssn send %s/recv %s", h.send(), h.receive(),
                    h.receiveLength(), q.send(), q.receive());
            if (hmac.requires() && !h.receive() || ssn.requires() && !q.receive()) {
                return Outcome.fail("requirement not honoured: " + detail);
            }
            s.ping(t.timeout()); // proves both directions use the negotiated framing
            s.close(t.timeout());
            return Outcome.pass(detail);
        }
    }

    static Outcome rhelloShape(Target t) throws Exception {
        try (RtmfpClient client = t.client()) {
            Handshake hs = client.handshake(t.uri(), t.options());
            RHello h = hs.awaitRHello();
            boolean ok = h.tagEcho().length == 16 && Arrays.equals(h.tagEcho(), hs.tag()) && h.cookie().length == 64;
            return Outcome.check(ok, "tag " + h.tagEcho().length + " bytes, cookie " + h.cookie().length + " bytes");
        }
    }

    static Outcome iikeyingRetransmission(Target t) throws Exception {
        try (RtmfpClient client = t.client()) {
            Handshake hs = client.handshake(t.uri(), t.options());
            hs.awaitRHello();
            RIKeying first = hs.awaitRIKeying();
            hs.sendIIKeying(); // the same IIKeying again, as after a lost RIKeying
            RIKeying second = hs.awaitAnotherRIKeying(t.timeout());
            boolean same = first.responderSessionId() == second.responderSessionId()
                    && Arrays.equals(first.skrc(), second.skrc());
            Session s = hs.establish();
            s.ping(t.timeout());
            s.close(t.timeout());
            return Outcome.check(same, same ? "identical responder session id and SKRC"
                    : "second RIKeying differs (session id " + first.responderSessionId() + " vs " + second.responderSessionId() + ")");
        }
    }

    static Outcome badChecksumStartup(Target t) throws Exception {
        try (RtmfpClient client = t.client()) {
            Handshake hs = client.handshake(t.uri(), t.options());
            client.sendRaw(DatagramCodec.withBadChecksum(hs.ihelloDatagram(), CryptoDirection.startup()),
                    t.parsed().socketAddress());
            var reply = client.receiveRaw(Duration.ofMillis(1500));
            if (reply != null) {
                return Outcome.fail("server answered an IHello with a bad checksum (" + reply.bytes().length + " bytes)");
            }
        }
        return connectAndPing(t, t.options());
    }

    static Outcome badChecksumSession(Target t) throws Exception {
        try (RtmfpClient client = t.client()) {
            Session s = client.connect(t.uri(), t.options().hmac(NegotiationMode.NOT_OFFERED, 10));
            if (s.info().hmac().send()) {
                return Outcome.na("server demands HMAC, so packets carry no checksum");
            }
            byte[] bad = {1, 2, 3, 4};
            s.sendCorrupted(List.of(new Ping(false, bad).toChunk()));
            s.idle(Duration.ofMillis(1000));
            boolean answered = s.receivedPackets().stream().flatMap(r -> r.packet().chunks().stream())
                    .anyMatch(c -> c.type() == ChunkType.PING_REPLY && Arrays.equals(c.payload(), bad));
            if (answered) {
                return Outcome.fail("server answered a Ping inside a packet with a bad checksum");
            }
            Duration rtt = s.ping(t.timeout());
            s.close(t.timeout());
            return Outcome.pass("ignored; next ping answered in " + rtt.toMillis() + " ms");
        }
    }

    static Outcome serverPacketHeaders(Target t) throws Exception {
        try (RtmfpClient client = t.client()) {
            Session s = client.connect(t.uri(), t.options());
            s.ping(t.timeout());
            s.ping(t.timeout());
            for (Session.Received r : s.receivedPackets()) {
                Packet p = r.packet();
                if (p.mode() != PacketMode.RESPONDER || p.timestamp() < 0) {
                    return Outcome.fail(String.format("packet with flags 0x%02x (need responder mode and timestamp)", p.flags()));
                }
            }
            int n = s.receivedPackets().size();
            s.close(t.timeout());
            return Outcome.pass(n + " packets checked");
        }
    }

    static Outcome closeAck(Target t) throws Exception {
        try (RtmfpClient client = t.client()) {
            Session s = client.connect(t.uri(), t.options());
            boolean acked = s.close(t.timeout());
            boolean sawAck = s.receivedPackets().stream().flatMap(r -> r.packet().chunks().stream())
                    .map(Chunk::type).anyMatch(ty -> ty == ChunkType.SESSION_CLOSE_ACK);
            return Outcome.check(acked && sawAck, acked ? "0x4c received" : "no close acknowledgement");
        }
    }
}
