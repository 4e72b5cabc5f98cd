package org.nimbus.rtmfp.crypto;

import java.math.BigInteger;
import java.util.Optional;

/**
 * The MODP Diffie-Hellman groups the Flash profile names by number (RFC 7425 §4.3.3, §4.4): group
 * 2 of RFC 2409 §6.2 and groups 5 and 14 of RFC 3526 §2-3, all with generator 2. These are the
 * groups the server certificate offers, in the Cumulus/Mona form every client accepts. Group 16
 * (4096 bits) is left out on purpose: it would lengthen the 77-byte certificate that librtmfp
 * reads at a fixed size, and would make each handshake several times dearer for the server.
 */
public enum DhGroup {
    GROUP_2(2, 160, ""
            + "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
            + "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
            + "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
            + "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF"),
    GROUP_5(5, 192, ""
            + "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
            + "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
            + "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
            + "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
            + "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
            + "9ED529077096966D670C354E4ABC9804F1746C08CA237327FFFFFFFFFFFFFFFF"),
    GROUP_14(14, 224, ""
            + "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
            + "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
            + "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
            + "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
            + "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
            + "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
            + "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
            + "3995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF");

    public static final BigInteger GENERATOR = BigInteger.TWO;

    private final int id;
    private final int privateExponentBits;
    private final BigInteger prime;

    DhGroup(int id, int privateExponentBits, String primeHex) {
        this.id = id;
        this.privateExponentBits = privateExponentBits;
        this.prime = new BigInteger(primeHex, 16);
    }

    /**
     * Bits of our private exponents in this group: twice the group's strength, as NIST SP 800-56A
     * sizes them (80-bit strength, 160-bit exponents, for the 1024-bit group 2; 112 and 224 for
     * the 2048-bit group 14) and RFC 3526 §8 estimates them (180 for 1536 bits, rounded up to
     * 192; 220 for 2048). The cost of each modular exponentiation grows with it, and it is the
     * server's cost per handshake: longer exponents buy nothing the modulus does not.
     */
    public int privateExponentBits() {
        return privateExponentBits;
    }

    /** The number that names the group in certificates and keying components. */
    public int id() {
        return id;
    }

    public BigInteger prime() {
        return prime;
    }

    /** Public keys travel as fixed-length big-endian numbers of the prime's size (128/192/256 bytes). */
    public int publicKeyLength() {
        return (prime.bitLength() + 7) / 8;
    }

    public static Optional<DhGroup> byId(long id) {
        for (DhGroup g : values()) {
            if (g.id == id) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }
}
