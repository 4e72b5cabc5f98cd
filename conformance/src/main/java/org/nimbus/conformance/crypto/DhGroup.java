package org.nimbus.conformance.crypto;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Optional;

/**
 * The MODP Diffie-Hellman groups RFC 7425 §4.2 allows (generator 2). Rather than carrying hex
 * tables, each prime is built from its published definition (RFC 2409 §6.2, RFC 3526 §2-§5):
 * {@code p = 2^N - 2^(N-64) - 1 + 2^64 * (floor(2^(N-130) * pi) + k)}; tests compare groups 2
 * and 14 with the captured vectors and check every p is a safe prime.
 */
public enum DhGroup {
    GROUP_2(2, 1024, 129093),
    GROUP_5(5, 1536, 741804),
    GROUP_14(14, 2048, 124476),
    GROUP_15(15, 3072, 1690314),
    GROUP_16(16, 4096, 240904);

    public static final BigInteger GENERATOR = BigInteger.TWO;

    public final int id;
    public final int bits;
    private final long k;
    private volatile BigInteger prime;

    DhGroup(int id, int bits, long k) {
        this.id = id;
        this.bits = bits;
        this.k = k;
    }

    public static Optional<DhGroup> byId(long id) {
        return Arrays.stream(values()).filter(g -> g.id == id).findFirst();
    }

    public BigInteger prime() {
        BigInteger p = prime;
        if (p == null) {
            BigInteger piPart = Pi.floorTimesPowerOfTwo(bits - 130).add(BigInteger.valueOf(k));
            p = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE.shiftLeft(bits - 64)).subtract(BigInteger.ONE)
                    .add(piPart.shiftLeft(64));
            prime = p;
        }
        return p;
    }

    /** Length in bytes of a public key of this group, as the Flash profile sends it. */
    public int byteLength() {
        return bits / 8;
    }
}
