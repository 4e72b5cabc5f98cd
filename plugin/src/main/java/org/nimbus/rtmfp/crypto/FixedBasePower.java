package org.nimbus.rtmfp.crypto;

import java.math.BigInteger;

/**
 * g^x mod p for one fixed base g, from a table of precomputed powers (the fixed-base windowing of
 * Brickell, Gordon, McCurley and Wilson, "Fast exponentiation with precomputation", EUROCRYPT
 * '92; HAC §14.6.3). Row i of the table holds g^(d·2^(8i)) for every byte value d, so the power of
 * an exponent of n bits is the product of one entry per exponent byte: ⌈n/8⌉ − 1 modular
 * multiplications and no squaring, against about n squarings and n/5 multiplications for
 * {@link BigInteger#modPow}. A server key pair (RFC 7425 §4.3.3: g = 2 in every group) is the
 * one exponentiation of a handshake whose base never changes, so this halves the Diffie-Hellman
 * cost of each handshake; the shared secret y^x keeps {@code modPow}.
 *
 * <p>Products are reduced by Barrett's method (HAC algorithm 14.42, base 2) with the reciprocal
 * computed once, so each step is three multiplications and no division. The table costs
 * 256·⌈n/8⌉ numbers of the prime's size (about 0.7 MB for group 2, 2 MB for group 14) and is
 * built on first use for a group a client selected. Like {@code modPow}, the running time and
 * the table entries touched depend on the exponent; the exponents are ephemeral (one handshake
 * each), which is what makes such leaks moot for Diffie-Hellman here.
 */
final class FixedBasePower {
    private static final int WINDOW = 8;
    /** One table per group, built by the first handshake that selects the group. */
    private static final FixedBasePower[] GENERATOR_TABLES = new FixedBasePower[DhGroup.values().length];

    private final BigInteger prime;
    private final int primeBits;
    private final BigInteger reciprocal;
    private final int maxExponentBits;
    private final BigInteger[][] rows;

    FixedBasePower(BigInteger base, BigInteger prime, int maxExponentBits) {
        if (prime.signum() <= 0 || base.signum() <= 0 || base.compareTo(prime) >= 0 || maxExponentBits < 1) {
            throw new IllegalArgumentException("fixed base needs 0 < base < prime and exponent bits > 0");
        }
        this.prime = prime;
        this.primeBits = prime.bitLength();
        this.reciprocal = BigInteger.ONE.shiftLeft(2 * primeBits).divide(prime);
        this.maxExponentBits = maxExponentBits;
        this.rows = new BigInteger[(maxExponentBits + WINDOW - 1) / WINDOW][1 << WINDOW];
        BigInteger rowBase = base; // g^(2^(8i)) for row i
        for (BigInteger[] row : rows) {
            row[0] = BigInteger.ONE;
            row[1] = rowBase;
            for (int d = 2; d < row.length; d++) {
                row[d] = reduce(row[d - 1].multiply(rowBase));
            }
            rowBase = reduce(row[row.length - 1].multiply(rowBase));
        }
    }

    /** The table of g = {@link DhGroup#GENERATOR} for the group's private exponents. */
    static FixedBasePower ofGenerator(DhGroup group) {
        synchronized (GENERATOR_TABLES) {
            FixedBasePower t = GENERATOR_TABLES[group.ordinal()];
            if (t == null) {
                t = new FixedBasePower(DhGroup.GENERATOR, group.prime(), group.privateExponentBits());
                GENERATOR_TABLES[group.ordinal()] = t;
            }
            return t;
        }
    }

    /** The exponents this table covers: 0 ≤ x < 2^maxExponentBits. */
    boolean covers(BigInteger exponent) {
        return exponent.signum() >= 0 && exponent.bitLength() <= maxExponentBits;
    }

    /** g^x mod p; x must be {@linkplain #covers covered}. */
    BigInteger pow(BigInteger exponent) {
        if (!covers(exponent)) {
            throw new IllegalArgumentException("exponent of " + exponent.bitLength() + " bits beyond the table's " + maxExponentBits);
        }
        byte[] digits = exponent.toByteArray(); // big-endian: the last byte is row 0
        BigInteger acc = null;
        for (int row = 0, i = digits.length - 1; i >= 0 && row < rows.length; row++, i--) {
            int d = digits[i] & 0xff;
            if (d != 0) {
                acc = acc == null ? rows[row][d] : reduce(acc.multiply(rows[row][d]));
            }
        }
        return acc == null ? BigInteger.ONE : acc;
    }

    /** x mod p for 0 ≤ x < p² (Barrett: the quotient estimate is short by at most 2). */
    private BigInteger reduce(BigInteger x) {
        BigInteger q = x.shiftRight(primeBits - 1).multiply(reciprocal).shiftRight(primeBits + 1);
        BigInteger r = x.subtract(q.multiply(prime));
        while (r.compareTo(prime) >= 0) {
            r = r.subtract(prime);
        }
        return r;
    }
}
