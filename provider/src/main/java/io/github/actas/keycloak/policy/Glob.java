package io.github.actas.keycloak.policy;

/**
 * A username pattern where {@code *} matches any run of characters (also none) and {@code ?} exactly
 * one; every other character, regex metacharacters included, is literal. Matching ignores case.
 * No regex engine is involved, so a pattern cannot be made to backtrack exponentially.
 */
public final class Glob {

    private final String source;
    private final char[] pattern;
    private final int literalPrefixLength;

    private Glob(String source) {
        this.source = source;
        this.pattern = Text.fold(source).toCharArray();
        int prefix = 0;
        while (prefix < pattern.length && pattern[prefix] != '*' && pattern[prefix] != '?') {
            prefix++;
        }
        this.literalPrefixLength = prefix;
    }

    public static Glob compile(String pattern) {
        return new Glob(pattern);
    }

    /** @return whether the value contains a wildcard, i.e. is a pattern and not an exact name */
    public static boolean isPattern(String value) {
        return value.indexOf('*') >= 0 || value.indexOf('?') >= 0;
    }

    /** Matches ignoring case. */
    public boolean matches(String value) {
        return matchesFolded(Text.fold(value));
    }

    /** Matches a value already folded with {@link Text#fold}; allocation-free. */
    boolean matchesFolded(String value) {
        int p = 0;
        int v = 0;
        int starP = -1;
        int starV = 0;
        int n = value.length();
        while (v < n) {
            if (p < pattern.length && (pattern[p] == '?' || pattern[p] == value.charAt(v))) {
                p++;
                v++;
            } else if (p < pattern.length && pattern[p] == '*') {
                starP = p++;
                starV = v;
            } else if (starP >= 0) {
                p = starP + 1;
                v = ++starV;
            } else {
                return false;
            }
        }
        while (p < pattern.length && pattern[p] == '*') {
            p++;
        }
        return p == pattern.length;
    }

    /** The folded characters before the first wildcard: every match starts with them. */
    String literalPrefix() {
        return new String(pattern, 0, literalPrefixLength);
    }

    @Override
    public String toString() {
        return source;
    }
}
