package io.jredis.server.commands;

import io.jredis.server.util.Bytes;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * The x87 80-bit {@code long double} arithmetic Redis's HINCRBYFLOAT does on x86-64: parse as {@code string2ld}
 * ({@code strtold}), add, print with {@code %.17Lf} in human-friendly form. Java's double differs visibly (1.5 plus
 * 0.1 is "1.6" in Redis, "1.60000000000000009" with doubles; 1e308 plus 1e308 does not overflow), so values are
 * kept as exact {@link BigDecimal}s rounded to a 64-bit significand after every operation.
 */
final class LongDouble {
    /** Redis's MAX_LONG_DOUBLE_CHARS: longer inputs are refused. */
    private static final int MAX_CHARS = 5 * 1024;
    private static final int SIGNIFICAND_BITS = 64;
    /** Exponent of the smallest subnormal, 2^-16445. */
    private static final int MIN_EXPONENT = -16445;
    /** Every finite value is below 2^16384. */
    private static final int MAX_BIT_LENGTH = 16384;
    private static final BigInteger TEN = BigInteger.TEN;

    private LongDouble() {}

    /**
     * Parses as {@code string2ld}: no leading space, no trailing garbage, no NaN, no overflow or underflow to zero.
     * Returns null when invalid or infinite; {@code infinite[0]} tells the two apart ("inf" is a valid infinity).
     */
    static BigDecimal parse(byte[] b, boolean[] infinite) {
        infinite[0] = false;
        if (b.length == 0 || b.length >= MAX_CHARS) {
            return null;
        }
        double[] d = new double[1];
        if (!Bytes.parseDouble(b, d)) {
            return null;
        }
        String s = Bytes.str(b);
        switch (s.toLowerCase()) {
            case "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity" -> {
                infinite[0] = true;
                return null;
            }
            default -> { }
        }
        if (s.indexOf('x') >= 0 || s.indexOf('X') >= 0) {
            // hex floats: exact in a double for any sane input
            return Double.isInfinite(d[0]) ? null : round(new BigDecimal(d[0]));
        }
        BigDecimal exact;
        try {
            exact = new BigDecimal(s);
        } catch (NumberFormatException e) {
            return null;
        }
        if (exact.signum() == 0) {
            return BigDecimal.ZERO;
        }
        long magnitude = (long) exact.precision() - exact.scale(); // value is below 10^magnitude
        if (magnitude > 4934) {
            return null;
        }
        if (magnitude < -4952) {
            return null; // underflows to zero: ERANGE
        }
        BigDecimal r = round(exact);
        return r == null || r.signum() == 0 ? null : r;
    }

    /** The long double sum, or null when it overflows to infinity. */
    static BigDecimal add(BigDecimal a, BigDecimal b) {
        return round(a.add(b));
    }

    /** A long double holding exactly {@code v}. */
    static BigDecimal of(long v) {
        return BigDecimal.valueOf(v);
    }

    /** {@code %.17Lf} with trailing zeros and a trailing dot removed, "-0" shown as "0" (ld2string LD_STR_HUMAN). */
    static String format(BigDecimal v) {
        String s = v.setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        s = s.substring(0, end);
        return s.equals("-0") ? "0" : s;
    }

    /** Rounds an exact value to the nearest long double (ties to even); null when it overflows. */
    private static BigDecimal round(BigDecimal x) {
        if (x.signum() == 0) {
            return BigDecimal.ZERO;
        }
        BigInteger num = x.unscaledValue().abs();
        BigInteger den = BigInteger.ONE;
        if (x.scale() > 0) {
            den = TEN.pow(x.scale());
        } else {
            num = num.multiply(TEN.pow(-x.scale()));
        }
        // Find k so that q = floor(num * 2^k / den) has exactly 64 bits, unless that would go below the subnormals.
        int k = SIGNIFICAND_BITS - (num.bitLength() - den.bitLength());
        BigInteger q;
        BigInteger rem;
        BigInteger d;
        while (true) {
            k = Math.min(k, -MIN_EXPONENT);
            BigInteger n = k >= 0 ? num.shiftLeft(k) : num;
            d = k >= 0 ? den : den.shiftLeft(-k);
            BigInteger[] qr = n.divideAndRemainder(d);
            q = qr[0];
            rem = qr[1];
            if (q.bitLength() > SIGNIFICAND_BITS) {
                k--;
            } else if (q.bitLength() < SIGNIFICAND_BITS && k < -MIN_EXPONENT) {
                k++;
            } else {
                break;
            }
        }
        int cmp = rem.shiftLeft(1).compareTo(d);
        if (cmp > 0 || (cmp == 0 && q.testBit(0))) {
            q = q.add(BigInteger.ONE);
            if (q.bitLength() > SIGNIFICAND_BITS) {
                q = q.shiftRight(1);
                k--;
            }
        }
        if ((long) q.bitLength() - k > MAX_BIT_LENGTH) {
            return null;
        }
        BigDecimal r = k > 0 ? new BigDecimal(q.multiply(BigInteger.valueOf(5).pow(k)), k)
                : new BigDecimal(q.shiftLeft(-k));
        return x.signum() < 0 ? r.negate() : r;
    }
}
