package io.jredis.server.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Byte-string helpers with Redis's number parsing rules; keys and values are {@code byte[]} on the hot path. */
public final class Bytes {
    public static final byte[] EMPTY = new byte[0];
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    private Bytes() {}

    /** The eight bytes of {@code b} from {@code i} as one little-endian long: loops over bytes go eight at a time. */
    public static long longLE(byte[] b, int i) {
        return (long) LONG_LE.get(b, i);
    }

    /** Writes {@code v} as the eight little-endian bytes of {@code b} from {@code i} (see {@link #longLE}). */
    public static void putLongLE(byte[] b, int i, long v) {
        LONG_LE.set(b, i, v);
    }

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
        // Up to 18 digits cannot overflow: only longer numbers pay the bound check per digit (INCR parses the
        // stored value on every call).
        boolean mayOverflow = len - i > 18;
        long v = 0; // accumulated as a negative number so Long.MIN_VALUE fits
        for (; i < len; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            if (mayOverflow && v < (Long.MIN_VALUE + d) / 10) {
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

    /** The strict base-10 long of {@link #parseLong(byte[], long[])}, or null when {@code b} is not one. */
    public static Long toLong(byte[] b) {
        long[] out = new long[1];
        return parseLong(b, out) ? out[0] : null;
    }

    /**
     * Parses a double as Redis's {@code string2d} does: the whole string must be one C {@code strtod} literal (decimal,
     * hexadecimal, inf, infinity, any case, optional sign), without leading or trailing spaces; NaN, and values that
     * overflow or underflow to zero ({@code ERANGE}), are refused.
     */
    public static boolean parseDouble(byte[] b, double[] out) {
        return parseDouble(b, out, true);
    }

    /**
     * Parses a double as a bare C {@code strtod} whose caller ignores {@code errno} (Redis's zslParseRange): the same
     * literals as {@link #parseDouble}, but a value that overflows is kept as the infinity strtod returns, and one that
     * underflows as its (signed) zero or subnormal; NaN is still refused.
     */
    public static boolean parseDoubleUnchecked(byte[] b, double[] out) {
        return parseDouble(b, out, false);
    }

    /** {@link #parseDouble}, refusing overflow and underflow only when {@code checkRange} (string2d's ERANGE). */
    private static boolean parseDouble(byte[] b, double[] out, boolean checkRange) {
        if (b.length > 5120) {
            return false;
        }
        if (plainDecimal(b, out)) {
            return true;
        }
        Doubles.Literal lit = Doubles.scan(b);
        if (lit == null) {
            return false;
        }
        double v;
        if (lit.kind == Doubles.Literal.Kind.INFINITY) {
            v = lit.negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        } else {
            String s = str(b);
            if (lit.kind == Doubles.Literal.Kind.HEX && s.indexOf('p') < 0 && s.indexOf('P') < 0) {
                s += "p0";
            }
            v = Double.parseDouble(s);
            if (checkRange && (Double.isInfinite(v) || (v == 0 && lit.nonZero))) {
                return false;
            }
        }
        out[0] = v;
        return true;
    }

    /**
     * The common score: an optional '-' and at most 15 decimal digits, with at most one '.' between two of them. The
     * digits as an integer and the power of ten are both exact doubles, so their quotient is the correctly rounded
     * value strtod gives, without building a String for {@link Double#parseDouble}.
     */
    private static boolean plainDecimal(byte[] b, double[] out) {
        int n = b.length;
        int i = n > 0 && b[0] == '-' ? 1 : 0;
        if (i == n || n - i > 16) {
            return false;
        }
        long v = 0;
        int digits = 0;
        int dot = -1;
        for (; i < n; i++) {
            int d = b[i] - '0';
            if (d >= 0 && d <= 9) {
                v = v * 10 + d;
                digits++;
            } else if (b[i] == '.' && dot < 0 && digits > 0 && i + 1 < n) {
                dot = digits;
            } else {
                return false;
            }
        }
        if (digits > 15) {
            return false;
        }
        double x = dot < 0 ? (double) v : (double) v / POW10[digits - dot];
        out[0] = b[0] == '-' ? -x : x;
        return true;
    }

    /** 10^0 .. 10^15, every one exact in a double. */
    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
        1e14, 1e15};

    /** The decimal digits of {@code v}: INCR's stored value, written without building a String. */
    public static byte[] fromLong(long v) {
        if (v == Long.MIN_VALUE) {
            return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
        }
        boolean neg = v < 0;
        long u = neg ? -v : v;
        int len = (neg ? 1 : 0) + Digits.count(u);
        byte[] r = new byte[len];
        Digits.write(u, r, len);
        if (neg) {
            r[0] = '-';
        }
        return r;
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

    /** Redis's {@code sdscatrepr}: a double-quoted string with C escapes and {@code \xHH} for other bytes. */
    public static String repr(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length + 2).append('"');
        for (byte x : b) {
            int c = x & 0xff;
            switch (c) {
                case '\\', '"' -> sb.append('\\').append((char) c);
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 7 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        sb.append((char) c);
                    } else {
                        sb.append(String.format(java.util.Locale.ROOT, "\\x%02x", c));
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** C's atoi: optional spaces and sign, then digits up to the first non-digit; 0 when there are none. */
    public static long atoi(byte[] b) {
        int i = 0;
        while (i < b.length && (b[i] == ' ' || (b[i] >= '\t' && b[i] <= '\r'))) {
            i++;
        }
        boolean neg = false;
        if (i < b.length && (b[i] == '-' || b[i] == '+')) {
            neg = b[i] == '-';
            i++;
        }
        long v = 0;
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
            v = v * 10 + (b[i++] - '0');
        }
        return neg ? -v : v;
    }
}
