package org.nimbus.rtmfp.crypto;

import java.util.List;
import org.nimbus.rtmfp.packet.DatagramFraming;
import org.nimbus.rtmfp.packet.MalformedException;

/**
 * The server's half of the Flash-profile key agreement, RFC 7425 §4.6: from the initiator's
 * certificate and SKIC, negotiate HMAC and sequence numbers, answer with a fresh ephemeral DH key
 * in the group the initiator selected (one we offered), and derive the session keys. Clients with
 * static keys (Flash Player, librtmfp, rtmfp-cpp) name the group with option 0x1d and carry the
 * key in their certificate; an ephemeral initiator sends its key in option 0x0d instead.
 */
public final class ResponderKeying {
    private final CryptoProvider crypto;
    private final List<DhGroup> groups;
    private final Negotiation.Policy hmacPolicy;
    private final Negotiation.Policy ssnPolicy;

    public ResponderKeying(CryptoProvider crypto, List<DhGroup> groups, Negotiation.Policy hmacPolicy, Negotiation.Policy ssnPolicy) {
        this.crypto = crypto;
        this.groups = List.copyOf(groups);
        this.hmacPolicy = hmacPolicy;
        this.ssnPolicy = ssnPolicy;
    }

    /** The groups offered in our certificate, in order. */
    public List<DhGroup> groups() {
        return groups;
    }

    /** @throws MalformedException when the SKIC is unusable: no or unoffered group, bad key, bad HMAC length */
    public Result respond(FlashCertificate initiatorCertificate, byte[] skic) throws MalformedException {
        KeyingComponent initiator = KeyingComponent.parse(skic);
        Negotiation.Outcome hmac = Negotiation.respond(initiator.hmac(), hmacPolicy, Negotiation.DEFAULT_HMAC_LENGTH, true);
        Negotiation.Outcome ssn = Negotiation.respond(initiator.sequenceNumbers(), ssnPolicy, 0, false);
        long groupId;
        byte[] peerKey;
        if (initiator.publicKeyGroup() >= 0) {
            groupId = initiator.publicKeyGroup();
            peerKey = initiator.publicKey();
        } else if (initiator.selectedGroup() >= 0) {
            groupId = initiator.selectedGroup();
            peerKey = initiatorCertificate.staticPublicKey(groupId)
                    .orElseThrow(() -> new MalformedException("no certificate key for selected group " + initiator.selectedGroup()));
        } else {
            throw new MalformedException("SKIC selects no DH group");
        }
        DhGroup group = groups.stream().filter(g -> g.id() == groupId).findFirst()
                .orElseThrow(() -> new MalformedException("DH group " + groupId + " not offered"));
        DhKeyPair ours = crypto.generateDhKeyPair(group);
        byte[] secret = ours.sharedSecret(peerKey);
        byte[] skrc = KeyingComponent.responderComponent(hmac, ssn, group, ours.publicKey());
        return new Result(skrc, group, SessionKeys.derive(crypto, secret, skrc, skic), hmac, ssn);
    }

    /** The SKRC to send, and what the session needs to frame its datagrams. */
    public record Result(byte[] skrc, DhGroup group, SessionKeys keys, Negotiation.Outcome hmac, Negotiation.Outcome ssn) {

        /** Server → client: encrypt key, HMAC and sequence numbers if we send them. */
        public DatagramFraming sendFraming(CryptoProvider crypto) {
            return new DatagramFraming(crypto.aes128Cbc(keys.encryptKey()),
                    hmac.send() ? crypto.packetMac(keys.hmacSendKey(), hmac.sendLength()) : null, ssn.send());
        }

        /** Client → server: decrypt key, HMAC and sequence numbers if the client sends them. */
        public DatagramFraming receiveFraming(CryptoProvider crypto) {
            return new DatagramFraming(crypto.aes128Cbc(keys.decryptKey()),
                    hmac.receive() ? crypto.packetMac(keys.hmacReceiveKey(), hmac.receiveLength()) : null, ssn.receive());
        }
    }
}
