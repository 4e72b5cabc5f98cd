package org.nimbus.rtmfp.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/**
 * The primes, rebuilt from their definition in RFC 2409 §6.2 and RFC 3526: p = 2^n - 2^(n-64) - 1
 * + 2^64 * (floor(2^(n-130) * pi) + k), with pi from Machin's formula in plain integers.
 */
class DhGroupPrimesTest {

    private static BigInteger arctanInverse(int x, BigInteger one) {
        BigInteger xx = BigInteger.valueOf((long) x * x);
        BigInteger term = one.divide(BigInteger.valueOf(x));
        BigInteger sum = term;
        for (int n = 3, sign = -1; term.signum() != 0; n += 2, sign = -sign) {
            term = term.divide(xx);
            BigInteger t = term.divide(BigInteger.valueOf(n));
            sum = sign < 0 ? sum.subtract(t) : sum.add(t);
        }
        return sum;
    }

    /** floor(pi * 2^bits), with 64 guard bits. */
    private static BigInteger piScaled(int bits) {
        BigInteger one = BigInteger.ONE.shiftLeft(bits + 64);
        BigInteger pi = arctanInverse(5, one).multiply(BigInteger.valueOf(16)).subtract(arctanInverse(239, one).multiply(BigInteger.valueOf(4)));
        return pi.shiftRight(64);
    }

    private static BigInteger modp(int n, long k) {
        return BigInteger.ONE.shiftLeft(n).subtract(BigInteger.ONE.shiftLeft(n - 64)).subtract(BigInteger.ONE)
                .add(piScaled(n - 130).add(BigInteger.valueOf(k)).shiftLeft(64));
    }

    @Test
    void primesMatchTheirRfcDefinition() {
        assertEquals(modp(1024, 129093), DhGroup.GROUP_2.prime());
        assertEquals(modp(1536, 741804), DhGroup.GROUP_5.prime());
        assertEquals(modp(2048, 124476), DhGroup.GROUP_14.prime());
    }

    @Test
    void primesAreSafePrimes() {
        for (DhGroup g : DhGroup.values()) {
            BigInteger p = g.prime();
            assertTrue(p.isProbablePrime(40), g.name());
            assertTrue(p.subtract(BigInteger.ONE).shiftRight(1).isProbablePrime(40), g.name());
        }
    }
}
