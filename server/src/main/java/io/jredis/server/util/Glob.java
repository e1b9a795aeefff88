package io.jredis.server.util;

/**
 * Redis 7.0's {@code stringmatchlen}: glob matching with {@code * ? [a-z] [^x]} and backslash escapes, step for step,
 * so that edge cases match too: an empty string matches only the empty pattern (callers shortcut a lone {@code *}
 * where Redis does), bytes compare as C's signed {@code char}, and NOCASE folds ASCII letters only (Redis runs with
 * the "C" character-type locale).
 */
public final class Glob {
    private Glob() {}

    /** Whether {@code string} matches {@code pattern}. */
    public static boolean match(byte[] pattern, byte[] string, boolean nocase) {
        return match(pattern, 0, string, 0, nocase, new boolean[1], 0);
    }

    /**
     * One level of the match. {@code skipLonger} is Redis's skipLongerMatches: once the rest of the pattern after a
     * {@code *} matched nowhere in the rest of the string, no earlier {@code *} can do better by taking more, which
     * keeps patterns like {@code a*a*a*...b} linear instead of exponential.
     */
    private static boolean match(byte[] p, int pi, byte[] s, int si, boolean nocase, boolean[] skipLonger,
            int nesting) {
        // A guard for the JVM's stack against thousands of stars; Redis 7.2 reports no match the same way.
        if (nesting > 1000) {
            return false;
        }
        int plen = p.length;
        int slen = s.length;
        while (pi < plen && si < slen) {
            switch (p[pi]) {
                case '*' -> {
                    while (pi + 1 < plen && p[pi + 1] == '*') {
                        pi++;
                    }
                    if (pi + 1 == plen) {
                        return true;
                    }
                    for (; si < slen; si++) {
                        if (match(p, pi + 1, s, si, nocase, skipLonger, nesting + 1)) {
                            return true;
                        }
                        if (skipLonger[0]) {
                            return false;
                        }
                    }
                    skipLonger[0] = true;
                    return false;
                }
                case '?' -> si++;
                case '[' -> {
                    pi++;
                    boolean not = pi < plen && p[pi] == '^';
                    if (not) {
                        pi++;
                    }
                    boolean matched = false;
                    while (true) {
                        if (pi < plen && p[pi] == '\\' && plen - pi >= 2) {
                            pi++;
                            if (p[pi] == s[si]) {
                                matched = true;
                            }
                        } else if (pi < plen && p[pi] == ']') {
                            break;
                        } else if (pi >= plen) {
                            pi--; // unterminated class: the end of the pattern closes it
                            break;
                        } else if (plen - pi >= 3 && p[pi + 1] == '-') {
                            int start = p[pi];
                            int end = p[pi + 2];
                            int c = s[si];
                            if (start > end) {
                                int t = start;
                                start = end;
                                end = t;
                            }
                            if (nocase) {
                                start = lower(start);
                                end = lower(end);
                                c = lower(c);
                            }
                            pi += 2;
                            if (c >= start && c <= end) {
                                matched = true;
                            }
                        } else if (nocase ? lower(p[pi]) == lower(s[si]) : p[pi] == s[si]) {
                            matched = true;
                        }
                        pi++;
                    }
                    if (not) {
                        matched = !matched;
                    }
                    if (!matched) {
                        return false;
                    }
                    si++;
                }
                default -> {
                    if (p[pi] == '\\' && plen - pi >= 2) {
                        pi++;
                    }
                    if (nocase ? lower(p[pi]) != lower(s[si]) : p[pi] != s[si]) {
                        return false;
                    }
                    si++;
                }
            }
            pi++;
            if (si == slen) {
                while (pi < plen && p[pi] == '*') {
                    pi++;
                }
                break;
            }
        }
        return pi == plen && si == slen;
    }

    /** C's tolower in the "C" locale: ASCII letters only. */
    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }
}
