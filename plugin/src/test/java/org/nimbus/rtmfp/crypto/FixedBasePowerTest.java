package org.nimbus.rtmfp.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fixed-base table against the JDK's {@link BigInteger#modPow}, an independent algorithm. */
class FixedBasePowerTest {
    @Test
    void everyExponentOfASmallGroupMatchesModPow() {
        // 2^16 exponents through two table rows; p = 65521 (prime, odd bit length) exercises Barrett's corrections
        BigInteger p = BigInteger.valueOf(65521);
        BigInteger g = BigInteger.valueOf(17);
        FixedBasePower t = new FixedBasePower(g, p, 16);
        for (int x = 0; x < 1 << 16; x++) {
            BigInteger e = BigInteger.valueOf(x);
            assertEquals(g.modPow(e, p), t.pow(e), "x = " + x);
        }
    }

    @Test
    void generatorPowersMatchModPowInEveryGroup() {
        Random random = new Random(7016);
        for (DhGroup group : DhGroup.values()) {
            FixedBasePower t = FixedBasePower.ofGenerator(group);
            int bits = group.privateExponentBits();
            BigInteger[] edges = {
                BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO,
                BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE), // every byte 0xff
                BigInteger.ONE.shiftLeft(bits - 1), // top bit only: zero bytes below
                BigInteger.ONE.shiftLeft(bits - 1).add(BigInteger.ONE.shiftLeft(8)), // a zero byte between
            };
            for (BigInteger e : edges) {
                assertEquals(DhGroup.GENERATOR.modPow(e, group.prime()), t.pow(e), group + " x = " + e.toString(16));
            }
            for (int i = 0; i < 200; i++) {
                BigInteger e = new BigInteger(1 + random.nextInt(bits), random);
                assertEquals(DhGroup.GENERATOR.modPow(e, group.prime()), t.pow(e), group + " x = " + e.toString(16));
            }
        }
    }

    @Test
    void tablesAreBuiltOncePerGroupAndCoverOnlyTheirExponents() {
        FixedBasePower t = FixedBasePower.ofGenerator(DhGroup.GROUP_2);
        assertSame(t, FixedBasePower.ofGenerator(DhGroup.GROUP_2));
        assertTrue(t.covers(BigInteger.ONE.shiftLeft(159)));
        assertFalse(t.covers(BigInteger.ONE.shiftLeft(160)));
        assertFalse(t.covers(BigInteger.ONE.negate()));
        assertThrows(IllegalArgumentException.class, () -> t.pow(BigInteger.ONE.shiftLeft(160)));
    }

    @Test
    void keyPairsOfLongerExponentsStillAgree() throws Exception {
        // a test vector's exponent may be longer than ours: modPow takes those
        JcaCryptoProvider crypto = new JcaCryptoProvider();
        BigInteger x = BigInteger.ONE.shiftLeft(1000).add(BigInteger.valueOf(12345));
        DhKeyPair long1 = crypto.dhKeyPair(DhGroup.GROUP_2, x);
        DhKeyPair ours = crypto.generateDhKeyPair(DhGroup.GROUP_2);
        assertEquals(new BigInteger(1, long1.publicKey()), DhGroup.GENERATOR.modPow(x, DhGroup.GROUP_2.prime()));
        assertEquals(new BigInteger(1, long1.sharedSecret(ours.publicKey())), new BigInteger(1, ours.sharedSecret(long1.publicKey())));
    }
}
