package io.jredis.server.config;

/**
 * C's {@code strtoll} as Redis's special directives use it (leading white space, optional sign, saturation on
 * overflow), with the "whole string consumed" check those callers make. Not the strict {@code string2ll}.
 */
final class CNumbers {
    private CNumbers() {}

    /**
     * Returns the value when the whole string was consumed, else null. An empty string reads as 0, as
     * {@code strtoll} leaves the end pointer on its terminator. With {@code failOnOverflow} an out-of-range number is
     * refused (callers that test errno); otherwise it saturates.
     */
    static Long strtoll(String s, int base, boolean failOnOverflow) {
        int i = 0;
        int n = s.length();
        while (i < n && isSpace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        int digitsStart = i;
        long acc = 0;
        boolean overflow = false;
        long limit = neg ? Long.MIN_VALUE : -Long.MAX_VALUE;
        for (; i < n; i++) {
            int d = Character.digit(s.charAt(i), base);
            if (d < 0 || s.charAt(i) > 127) {
                break;
            }
            // accumulate negatively so Long.MIN_VALUE fits
            if (acc < (limit + d) / base) {
                overflow = true;
            } else if (!overflow) {
                acc = acc * base - d;
            }
        }
        if (i == digitsStart) {
            return n == 0 ? 0L : null;
        }
        if (i != n || (overflow && failOnOverflow)) {
            return null;
        }
        if (overflow) {
            return neg ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return neg ? acc : -acc;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }
}
