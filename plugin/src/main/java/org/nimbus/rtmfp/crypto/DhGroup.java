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
    GROUP_2(2, ""
            + "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
            + "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
            + "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
            + "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF"),
    GROUP_5(5, ""
            + "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
            + "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
            + "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
            + "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
            + "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
            + "9ED529077096966D670C354E4ABC9804F1746C08CA237327FFFFFFFFFFFFFFFF"),
    GROUP_14(14, ""
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
    private final BigInteger prime;

    DhGroup(int id, String primeHex) {
        this.id = id;
        this.prime = new BigInteger(primeHex, 16);
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
