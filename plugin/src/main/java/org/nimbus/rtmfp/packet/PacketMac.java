package org.nimbus.rtmfp.packet;

/**
 * A negotiated packet authenticator (HMAC-SHA256 truncated to {@link #length()} bytes) that
 * replaces the checksum in one direction of a session; it covers the ciphertext. Implemented in
 * {@code rtmfp.crypto}.
 */
public interface PacketMac {
    int length();

    /** The MAC of {@code len} bytes, already truncated to {@link #length()}. */
    byte[] compute(byte[] in, int off, int len);
}
