package org.nimbus.rtmfp.crypto;

import org.nimbus.rtmfp.packet.MalformedException;

/** One side's Diffie-Hellman key in a {@link DhGroup} (RFC 7425 §4.6), as the crypto provider holds it. */
public interface DhKeyPair {
    DhGroup group();

    /** Our public key, left-padded to {@link DhGroup#publicKeyLength()}: clients read it at fixed offsets. */
    byte[] publicKey();

    /**
     * The shared secret with the peer's public key, in minimal big-endian form (no leading zero
     * bytes), which is what RFC 7425 §4.6 feeds to HMAC.
     *
     * @throws MalformedException if the peer's key is not in [2, p-2] or longer than the prime
     */
    byte[] sharedSecret(byte[] peerPublicKey) throws MalformedException;
}
