package org.nimbus.conformance.crypto;

import java.math.BigInteger;

/** Binary digits of pi by Machin's formula, enough for the MODP prime definitions. */
final class Pi {
    private static final int GUARD = 64;

    private Pi() {
    }

    /** {@code floor(pi * 2^bits)}. */
    static BigInteger floorTimesPowerOfTwo(int bits) {
        int scale = bits + GUARD;
        BigInteger one = BigInteger.ONE.shiftLeft(scale);
        // pi = 16 atan(1/5) - 4 atan(1/239)
        BigInteger pi = atanInverse(5, one).shiftLeft(4).subtract(atanInverse(239, one).shiftLeft(2));
        return pi.shiftRight(GUARD);
    }

    private static BigInteger atanInverse(int x, BigInteger one) {
        BigInteger xx = BigInteger.valueOf((long) x * x);
        BigInteger power = one.divide(BigInteger.valueOf(x));
        BigInteger sum = power;
        for (int n = 3, sign = -1; power.signum() != 0; n += 2, sign = -sign) {
            power = power.divide(xx);
            BigInteger term = power.divide(BigInteger.valueOf(n));
            sum = sign < 0 ? sum.subtract(term) : sum.add(term);
        }
        return sum;
    }
}
