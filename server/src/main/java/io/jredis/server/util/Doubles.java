package io.jredis.server.util;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** Double formatting exactly as Redis 7.0 prints scores and floats (C's {@code %.17g}, {@code %.17Lf}). */
public final class Doubles {
    private static final MathContext G17 = new MathContext(17, RoundingMode.HALF_EVEN);

    private Doubles() {}

    /** C's {@code printf("%.17g", v)}, used by Redis 7.0 for scores and RESP double replies. */
    public static String g17(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0" : "0";
        }
        BigDecimal rounded = new BigDecimal(v).round(G17);
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent < -4 || exponent >= 17) {
            BigDecimal mantissa = rounded.movePointLeft(exponent).stripTrailingZeros();
            String m = mantissa.toPlainString();
            String e = (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
            return m + "e" + e;
        }
        String plain = rounded.toPlainString();
        if (plain.indexOf('.') >= 0) {
            plain = stripZeros(plain);
        }
        return plain;
    }

    /**
     * Redis's {@code ld2string(..., LD_STR_HUMAN)}: a fixed-point rendering with 17 decimals, trailing zeros and a
     * trailing dot removed. Used for INCRBYFLOAT and HINCRBYFLOAT results.
     */
    public static String humanFriendly(double v) {
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        String s = new BigDecimal(v).setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        s = stripZeros(s);
        return s.equals("-0") ? "0" : s;
    }

    private static String stripZeros(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '0') {
            end--;
        }
        if (end > 0 && s.charAt(end - 1) == '.') {
            end--;
        }
        return s.substring(0, end);
    }
}
