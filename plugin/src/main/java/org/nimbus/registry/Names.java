package org.nimbus.registry;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Name rules: what an account name may be, and the key under which names are compared.
 * The key is NFKC followed by case folding, so compatibility and case variants ("Alice",
 * "ＡＬＩＣＥ", "ALİCE" aside) are one user. The JDK has no full case-fold API; upper-casing then
 * lower-casing in the root locale covers the full folds that matter (ß → ss, ς → σ, ﬁ via NFKC),
 * and a second NFKC pass closes the result under normalisation (NFKC_Casefold's intent).
 */
public final class Names {
    public static final int MAX_LENGTH = 32;
    public static final String GUEST_PREFIX = "guest-";

    private Names() {
    }

    /** The comparison key of any string. */
    public static String key(String name) {
        String n = Normalizer.normalize(name, Normalizer.Form.NFKC);
        // lower-casing applies Greek's final-sigma rule (Σ → ς at a word's end); case folding
        // (CaseFolding.txt) maps both sigmas to σ, whatever their place
        n = n.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT).replace('\u03c2', '\u03c3');
        return Normalizer.normalize(n, Normalizer.Form.NFKC);
    }

    /**
     * Checks an account name: 1-32 characters (code points, after NFKC), Unicode letters and
     * digits, their combining marks after the first character, and {@code . _ -}; not starting
     * with the guest prefix in any case. Returns the problem, or null when the name is valid.
     */
    public static String accountNameProblem(String name) {
        if (name == null || name.isEmpty()) {
            return "empty name";
        }
        String n = Normalizer.normalize(name, Normalizer.Form.NFKC);
        int count = n.codePointCount(0, n.length());
        if (count > MAX_LENGTH) {
            return "longer than " + MAX_LENGTH + " characters";
        }
        int i = 0;
        boolean first = true;
        while (i < n.length()) {
            int cp = n.codePointAt(i);
            if (!allowed(cp, first)) {
                return "character U+" + String.format("%04X", cp) + " not allowed";
            }
            first = false;
            i += Character.charCount(cp);
        }
        if (key(n).startsWith(GUEST_PREFIX)) {
            return "names starting with '" + GUEST_PREFIX + "' are for guests";
        }
        return null;
    }

    private static boolean allowed(int cp, boolean first) {
        if (cp == '.' || cp == '_' || cp == '-' || Character.isLetterOrDigit(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return !first && (type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK);
    }
}
