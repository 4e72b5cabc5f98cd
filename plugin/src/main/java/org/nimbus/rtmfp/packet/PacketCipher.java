package org.nimbus.rtmfp.packet;

/**
 * The block cipher of one direction of a session, RFC 7425 §4.2: AES-128 in CBC mode with a zero
 * IV for every packet and no padding of its own (the framing pads with 0xff). Implemented in
 * {@code rtmfp.crypto}; the datagram layer only needs these two calls.
 */
public interface PacketCipher {
    /** Encrypts {@code len} bytes, a multiple of 16. */
    byte[] encrypt(byte[] in, int off, int len);

    /** Decrypts {@code len} bytes, a multiple of 16. */
    byte[] decrypt(byte[] in, int off, int len);
}
