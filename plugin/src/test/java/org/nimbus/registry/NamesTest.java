package org.nimbus.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void compatibilityAndCaseVariantsFoldToOneKey() {
        assertEquals(Names.key("alice"), Names.key("Alice"));
        assertEquals(Names.key("alice"), Names.key("ＡＬＩＣＥ"));
        assertEquals(Names.key("strasse"), Names.key("STRAßE"));
        assertEquals(Names.key("ὀδυσσεύς"), Names.key("ὈΔΥΣΣΕΎΣ"));
        assertEquals(Names.key("ﬁle"), Names.key("FILE"));
        assertEquals(Names.key("é"), Names.key("e\u0301"));
        assertNotEquals(Names.key("alice"), Names.key("alíce"));
    }

    @Test
    void accountNamesAllowLettersDigitsAndDotUnderscoreDash() {
        for (String ok : new String[] {"a", "Alice", "bob.smith_2-x", "Zoë", "名前", "пользователь", "x".repeat(32), "हिन्दी"}) {
            assertNull(Names.accountNameProblem(ok), ok);
        }
        for (String bad : new String[] {"", "x".repeat(33), "a b", "a:b", "a/b", "<a>", "guest-abc", "GUEST-x", "Ｇuest-x",
                "\u0301a", "a\u0000", "a\u200b"}) {
            assertNotNull(Names.accountNameProblem(bad), bad);
        }
    }

    @Test
    void guestNamesHaveTheDocumentedShapeAndAreUniqueOverManyDraws() {
        GuestNames g = new GuestNames(new SecureRandom());
        Set<String> held = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            String n = g.draw(held::contains);
            assertTrue(n.matches("guest-[a-z2-7]{8}"), n);
            assertTrue(held.add(n), "drawn twice: " + n);
        }
    }

    @Test
    void guestDrawSkipsTakenNames() {
        // The same seed replays the same sequence: the first draw is taken, so the second one is returned.
        String first = new GuestNames(new Random(1)).draw(n -> false);
        String next = new GuestNames(new Random(1)).draw(first::equals);
        assertNotEquals(first, next);
    }
}
