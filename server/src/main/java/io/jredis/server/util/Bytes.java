package io.jredis.server.util;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Byte-string helpers with Redis's number parsing rules; keys and values are {@code byte[]} on the hot path. */
public final class Bytes {
    public static final byte[] EMPTY = new byte[0];

    private Bytes() {}

    public static byte[] of(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Decodes as ISO-8859-1 so every byte maps to one char and nothing is lost (for messages and logs). */
    public static String str(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    public static boolean eqIgnoreCase(byte[] a, String lower) {
        int n = lower.length();
        if (a.length != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int c = a[i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    public static String lower(byte[] b) {
        char[] cs = new char[b.length];
        for (int i = 0; i < b.length; i++) {
            int c = b[i] & 0xff;
            cs[i] = (char) (c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        return new String(cs);
    }

    /**
     * Parses a strict base-10 long as Redis's {@code string2ll}: no spaces, no leading '+', no leading zeros, fits
     * in 64 bits. Returns false instead of throwing so callers pick Redis's error text.
     */
    public static boolean parseLong(byte[] b, long[] out) {
        int len = b.length;
        if (len == 0 || len > 20) {
            return false;
        }
        if (len == 1 && b[0] == '0') {
            out[0] = 0;
            return true;
        }
        int i = 0;
        boolean neg = false;
        if (b[0] == '-') {
            neg = true;
            i = 1;
            if (len == 1) {
                return false;
            }
        }
        if (b[i] < '1' || b[i] > '9') {
            return false;
        }
        long v = 0; // accumulated as a negative number so Long.MIN_VALUE fits
        for (; i < len; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            if (v < (Long.MIN_VALUE + d) / 10) {
                return false;
            }
            v = v * 10 - d;
        }
        if (neg) {
            out[0] = v;
            return true;
        }
        if (v == Long.MIN_VALUE) {
            return false;
        }
        out[0] = -v;
        return true;
    }

    /**
     * Parses a double as Redis's {@code string2ld}/{@code strtold} users do: accepts what C's strtod accepts
     * (including inf, -inf, +inf, infinity), refuses NaN, empty strings and leading or trailing spaces.
     */
    public static boolean parseDouble(byte[] b, double[] out) {
        int len = b.length;
        if (len == 0 || len > 5120) {
            return false;
        }
        if (isSpace(b[0]) || isSpace(b[len - 1])) {
            return false;
        }
        String s = str(b);
        String l = s.toLowerCase();
        double v;
        switch (l) {
            case "inf", "+inf", "infinity", "+infinity" -> v = Double.POSITIVE_INFINITY;
            case "-inf", "-infinity" -> v = Double.NEGATIVE_INFINITY;
            default -> {
                for (int i = 0; i < len; i++) {
                    byte c = b[i];
                    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+'
                            || c == 'x' || c == 'X' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
                            || c == 'p' || c == 'P')) {
                        return false;
                    }
                }
                try {
                    if (l.contains("x")) {
                        v = parseHexDouble(l);
                    } else {
                        v = Double.parseDouble(s);
                    }
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        if (Double.isNaN(v)) {
            return false;
        }
        out[0] = v;
        return true;
    }

    private static double parseHexDouble(String l) {
        String s = l.contains("p") ? l : l + "p0";
        return Double.parseDouble(s);
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }

    public static byte[] fromLong(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    /** Formats like Redis's {@code %.17g}-based {@code ld2string} in humanfriendly mode (INCRBYFLOAT results). */
    public static byte[] fromDoubleHuman(double v) {
        return of(Doubles.humanFriendly(v));
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    public static int hash(byte[] b) {
        int h = 0x811c9dc5;
        for (byte x : b) {
            h = (h ^ x) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }
}
