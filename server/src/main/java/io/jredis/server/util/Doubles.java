package io.jredis.server.util;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Floating point as Redis 7.0 parses and prints it: C's {@code strtod}/{@code strtold} syntax, {@code %.17g} for
 * doubles, and an exact emulation of the x87 80-bit {@code long double} that INCRBYFLOAT and HINCRBYFLOAT compute in.
 */
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
        String fast = g17Fast(v);
        return fast != null ? fast : g17Exact(v);
    }

    /** {@code %.17g} of a finite non-zero double through BigDecimal: exact for every value, and slow. */
    static String g17Exact(double v) {
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
     * C's {@code printf("%.Nf", d)} for {@code decimals} N: the exact binary value rounded half-even, "-0.00" keeping
     * its sign, "inf" and "-inf"; NaN prints as x86's default NaN, which is negative ("-nan"), since that is the one
     * NaN Redis's arithmetic produces.
     */
    public static String fixed(double d, int decimals) {
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (Double.isNaN(d)) {
            return "-nan";
        }
        boolean negative = d < 0 || (d == 0 && 1 / d < 0);
        String s = fixedDigits(Math.abs(d), decimals);
        if (s == null) {
            s = fixedExact(Math.abs(d), decimals);
        }
        if (s == null) {
            s = new BigDecimal(d).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        }
        return negative && s.charAt(0) != '-' ? "-" + s : s;
    }

    /**
     * {@code %.Nf} of a non-negative {@code d} without BigDecimal (a quarter of GEODIST's time, a third of INFO's);
     * null where {@link #roundedUnits} cannot decide.
     */
    static String fixedDigits(double d, int decimals) {
        long units = roundedUnits(d, decimals);
        return units < 0 ? null : withPoint(units / POW10[decimals], units % POW10[decimals], decimals);
    }

    /**
     * Redis's fixedpoint_d2string, which geo distances are written with: {@code d·10^N} rounded to a double, then to
     * a whole number half to even (llrint), printed with N decimals. Not printf's {@code %.Nf}: where the product's
     * own rounding lands on a half, as 48756582.837549999 feet does, the two differ in the last digit. Zero of either
     * sign is "0.0000". For the finite values below 9.2e18 / 10^N that a distance always is.
     */
    public static byte[] fixedPoint(double d, int decimals) {
        long units = (long) Math.rint(d * POW10[decimals]);
        long magnitude = Math.abs(units);
        return ascii(units < 0, magnitude / POW10[decimals], magnitude % POW10[decimals], decimals);
    }

    /**
     * {@code d·10^N} rounded half-even to a whole number for a non-negative {@code d}, from double arithmetic: below
     * 1e12 the scaled value's one rounding error is under 1.2e-4, so a fraction further than 1e-3 from a half rounds
     * as the exact binary value would. -1 when it is nearer (an exact half rounds to even), too large, or the
     * decimals too many.
     */
    private static long roundedUnits(double d, int decimals) {
        if (decimals >= POW10.length) {
            return -1;
        }
        double scaled = d * POW10[decimals];
        if (!(scaled < 1e12)) {
            return -1;
        }
        double floor = Math.floor(scaled);
        double fraction = scaled - floor;
        if (Math.abs(fraction - 0.5) < 1e-3) {
            return -1;
        }
        return (long) floor + (fraction > 0.5 ? 1 : 0);
    }

    /** "[-]whole.fraction" as ASCII, the fraction's {@code decimals} digits zero-padded (no point for none). */
    private static byte[] ascii(boolean minus, long whole, long fraction, int decimals) {
        byte[] buf = new byte[48];
        int at = buf.length;
        for (int i = 0; i < decimals; i++) {
            buf[--at] = (byte) ('0' + fraction % 10);
            fraction /= 10;
        }
        if (decimals > 0) {
            buf[--at] = '.';
        }
        do {
            buf[--at] = (byte) ('0' + whole % 10);
            whole /= 10;
        } while (whole != 0);
        if (minus) {
            buf[--at] = '-';
        }
        return Arrays.copyOfRange(buf, at, buf.length);
    }

    /** "whole.fraction" with the fraction's {@code decimals} digits zero-padded (none and no point for 0). */
    private static String withPoint(long whole, long fraction, int decimals) {
        return new String(ascii(false, whole, fraction, decimals), StandardCharsets.US_ASCII);
    }

    /**
     * {@code %.Nf} of a non-negative finite {@code d} without BigDecimal, for the many decimals of GEOPOS and WITHCOORD
     * coordinates ({@code %.17Lf}); null where {@link #scaled} cannot compute it.
     */
    static String fixedExact(double d, int decimals) {
        long q = scaled(d, decimals);
        if (q == -1) {
            return null;
        }
        long pow = POW10[decimals];
        long whole = wholeUnsigned(q, pow);
        return withPoint(whole, q - whole * pow, decimals);
    }

    /**
     * Redis's addReplyHumanLongDouble of a double, as ASCII: {@code %.17Lf} without trailing zeros, nor the point
     * when no decimal is left, and "-0" printed "0"; null outside {@link #scaled}'s range (|d| up to 184 always fits).
     */
    public static byte[] human17(double d) {
        if (!Double.isFinite(d)) {
            return null;
        }
        long q = scaled(Math.abs(d), 17);
        if (q == -1) {
            return null;
        }
        long pow = POW10[17];
        long whole = wholeUnsigned(q, pow);
        long fraction = q - whole * pow;
        boolean minus = d < 0 && q != 0;
        int decimals = 17;
        while (decimals > 0 && fraction % 10 == 0) {
            fraction /= 10;
            decimals--;
        }
        return ascii(minus, whole, fraction, decimals);
    }

    /** The unsigned {@code q}'s quotient by {@code pow} (below 2^63), through the halved value, which is non-negative. */
    private static long wholeUnsigned(long q, long pow) {
        long whole = ((q >>> 1) / pow) << 1;
        if (Long.compareUnsigned(q - whole * pow, pow) >= 0) {
            whole++;
        }
        return whole;
    }

    /**
     * {@code d·10^N} rounded to a whole number, as 64 unsigned bits, for a non-negative finite d: {@code d = m·2^-s}
     * times 10^N computed exactly in 128 bits and rounded half-even on the exact remainder, as glibc's printf rounds.
     * -1 when the result does not fit below 2^64 - 1 or d is at least 2^52 (a whole number, left to BigDecimal).
     */
    private static long scaled(double d, int decimals) {
        if (decimals >= POW10.length || !(d < 0x1p52)) {
            return -1;
        }
        long bits = Double.doubleToRawLongBits(d);
        int biased = (int) (bits >>> 52);
        long m = biased == 0 ? bits : (bits & 0xfffffffffffffL) | (1L << 52);
        int s = biased == 0 ? 1074 : 1075 - biased;
        long pow = POW10[decimals];
        long hi = Math.multiplyHigh(m, pow);
        long lo = m * pow;
        long q;
        // The remainder's comparison with half of 2^s: negative below, 0 at, positive above.
        int vsHalf;
        if (s >= 128) {
            // m·10^N < 2^113, less than half of 2^s.
            q = 0;
            vsHalf = -1;
        } else if (s > 64) {
            int k = s - 64;
            q = hi >>> k;
            long remHi = hi & ((1L << k) - 1);
            long halfHi = 1L << (k - 1);
            vsHalf = remHi != halfHi ? Long.compare(remHi, halfHi) : (lo != 0 ? 1 : 0);
        } else if (s == 64) {
            q = hi;
            vsHalf = Long.compareUnsigned(lo, Long.MIN_VALUE);
        } else {
            if (hi >>> s != 0) {
                return -1;
            }
            q = (hi << (64 - s)) | (lo >>> s);
            vsHalf = Long.compare(lo & ((1L << s) - 1), 1L << (s - 1));
        }
        if (q != -1 && (vsHalf > 0 || (vsHalf == 0 && (q & 1) != 0))) {
            q++;
        }
        return q;
    }

    private static final long[] POW10 = new long[19];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    /**
     * {@code %.17g} of {@code v} as ASCII into {@code dst} (at least 32 bytes) from index 0; returns its length. The
     * same text as {@link #g17(double)}, without allocating for the common range (0.01 <= |v| < 2^53).
     */
    public static int g17(double v, byte[] dst) {
        if (Double.isFinite(v) && v != 0) {
            int n = g17Fast(v, dst);
            if (n >= 0) {
                return n;
            }
        }
        String s = g17(v);
        for (int i = 0; i < s.length(); i++) {
            dst[i] = (byte) s.charAt(i);
        }
        return s.length();
    }

    private static String g17Fast(double v) {
        byte[] b = new byte[32];
        int n = g17Fast(v, b);
        return n < 0 ? null : new String(b, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * {@code %.17g} without BigDecimal for 0.01 <= |v| < 2^53, where it prints in fixed notation: the 17 digits are
     * {@code round(m * 10^p / 2^s)} for {@code v = m * 2^-s}, computed exactly in 128 bits and rounded half-even on
     * the exact remainder, as glibc rounds. Writes the text into {@code dst} and returns its length; -1 outside that
     * range.
     */
    private static int g17Fast(double v, byte[] dst) {
        double a = Math.abs(v);
        if (!(a >= 0.01 && a < 9007199254740992.0)) {
            return -1;
        }
        long bits = Double.doubleToRawLongBits(a);
        long m = (bits & 0xfffffffffffffL) | (1L << 52);
        int s = 1075 - (int) (bits >>> 52);
        int x = (int) Math.floor(Math.log10(a));
        for (int attempt = 0; attempt < 3; attempt++) {
            int p = 16 - x;
            if (p < 0 || p >= POW10.length || s <= 0 || s >= 64) {
                return -1;
            }
            long hi = Math.multiplyHigh(m, POW10[p]);
            long lo = m * POW10[p];
            long q = (hi << (64 - s)) | (lo >>> s);
            long rem = lo & ((1L << s) - 1);
            long half = 1L << (s - 1);
            if (hi >>> s != 0 || q < 0) {
                return -1;
            }
            if (rem > half || (rem == half && (q & 1) != 0)) {
                q++;
            }
            if (q == POW10[17]) {
                q = POW10[16];
                x++;
            } else if (q > POW10[17]) {
                x++;
                continue;
            } else if (q < POW10[16]) {
                x--;
                continue;
            }
            if (x >= 16) {
                return -1;
            }
            int n = 0;
            if (v < 0) {
                dst[n++] = '-';
            }
            int intDigits = 0;
            if (x >= 0) {
                intDigits = x + 1;
            } else {
                dst[n++] = '0';
                dst[n++] = '.';
                for (int i = -1; i > x; i--) {
                    dst[n++] = '0';
                }
            }
            // The 17 digits, with the point after the integer part when there is one.
            int end = n + 17 + (intDigits > 0 ? 1 : 0);
            int at = end;
            for (int d = 16; d >= 0; d--) {
                if (d == intDigits - 1) {
                    dst[--at] = '.';
                }
                dst[--at] = (byte) ('0' + (int) (q % 10));
                q /= 10;
            }
            while (end > 0 && dst[end - 1] == '0') {
                end--;
            }
            if (end > 0 && dst[end - 1] == '.') {
                end--;
            }
            return end;
        }
        return -1;
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

    /**
     * The shape of a number literal as C's {@code strtod} reads it, when it spans the whole input: optional sign, then
     * {@code inf}/{@code infinity}, a hexadecimal {@code 0x} mantissa with optional {@code p} exponent, or a decimal
     * mantissa with optional {@code e} exponent. Leading spaces, which strtod would skip, are refused as Redis refuses
     * them; so is NaN, which every Redis caller rejects.
     */
    public static final class Literal {
        /** The literal's form. */
        public enum Kind { DECIMAL, HEX, INFINITY }

        public final Kind kind;
        public final boolean negative;
        /** True when a mantissa digit is not zero (a zero result then means underflow). */
        public final boolean nonZero;
        private final int mantissaStart;
        private final int mantissaEnd;
        private final int dot;
        private final long exponent;

        private Literal(Kind kind, boolean negative, boolean nonZero, int mantissaStart, int mantissaEnd, int dot,
                long exponent) {
            this.kind = kind;
            this.negative = negative;
            this.nonZero = nonZero;
            this.mantissaStart = mantissaStart;
            this.mantissaEnd = mantissaEnd;
            this.dot = dot;
            this.exponent = exponent;
        }
    }

    /** Exponents beyond this are saturated: they overflow or underflow every format anyway. */
    private static final long EXPONENT_CAP = 1_000_000_000L;

    /** Reads {@code b} as one strtod literal; null when it is not exactly one (trailing garbage, spaces, empty). */
    public static Literal scan(byte[] b) {
        int n = b.length;
        int i = 0;
        boolean neg = false;
        if (i < n && (b[i] == '+' || b[i] == '-')) {
            neg = b[i] == '-';
            i++;
        }
        if (matchesWord(b, i, "infinity") || matchesWord(b, i, "inf")) {
            return new Literal(Literal.Kind.INFINITY, neg, true, i, n, -1, 0);
        }
        boolean hex = i + 2 < n && b[i] == '0' && (b[i + 1] == 'x' || b[i + 1] == 'X')
                && (digit(b[i + 2], 16) >= 0 || (b[i + 2] == '.' && i + 3 < n && digit(b[i + 3], 16) >= 0));
        int radix = 10;
        if (hex) {
            i += 2;
            radix = 16;
        }
        int start = i;
        int dot = -1;
        int digits = 0;
        boolean nonZero = false;
        for (; i < n; i++) {
            if (b[i] == '.' && dot < 0) {
                dot = i;
                continue;
            }
            int d = digit(b[i], radix);
            if (d < 0) {
                break;
            }
            digits++;
            nonZero |= d != 0;
        }
        if (digits == 0) {
            return null;
        }
        int end = i;
        long exponent = 0;
        if (i < n) {
            byte marker = b[i];
            if (hex ? marker != 'p' && marker != 'P' : marker != 'e' && marker != 'E') {
                return null;
            }
            i++;
            boolean expNeg = false;
            if (i < n && (b[i] == '+' || b[i] == '-')) {
                expNeg = b[i] == '-';
                i++;
            }
            if (i == n) {
                return null;
            }
            for (; i < n; i++) {
                int d = digit(b[i], 10);
                if (d < 0) {
                    return null;
                }
                exponent = Math.min(EXPONENT_CAP, exponent * 10 + d);
            }
            if (expNeg) {
                exponent = -exponent;
            }
        }
        return new Literal(hex ? Literal.Kind.HEX : Literal.Kind.DECIMAL, neg, nonZero, start, end, dot, exponent);
    }

    private static boolean matchesWord(byte[] b, int from, String lower) {
        if (b.length - from != lower.length()) {
            return false;
        }
        for (int k = 0; k < lower.length(); k++) {
            if ((b[from + k] | 0x20) != lower.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static int digit(byte c, int radix) {
        int d;
        if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (c >= 'a' && c <= 'z') {
            d = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'Z') {
            d = c - 'A' + 10;
        } else {
            return -1;
        }
        return d < radix ? d : -1;
    }

    /**
     * An x87 extended-precision value (C's {@code long double} on x86-64: 64-bit significand, exponents -16382 to
     * 16383, subnormals), computed exactly and rounded to nearest, ties to even, as the FPU does. Finite values are
     * {@code ±mantissa·2^exponent}; immutable.
     */
    public static final class LongDouble {
        private static final int PRECISION = 64;
        private static final int MAX_EXP = 16383;
        /** Exponent of the last significand bit of subnormals: 2^-16445 is the smallest positive value. */
        private static final long MIN_QUANTUM = -16382 - PRECISION + 1;
        /** Largest decimal exponent below the maximum value (about 1.19e4932). */
        private static final int MAX_DECIMAL_EXP = 4932;
        /** Values below 1e-4951 are less than half the smallest subnormal (about 3.65e-4951) and round to zero. */
        private static final int MIN_DECIMAL_EXP = -4951;
        private static final int MAX_CHARS = 5 * 1024;
        private static final BigInteger TEN_POW_17 = BigInteger.TEN.pow(17);

        /** Positive zero, the value of a missing key. */
        public static final LongDouble ZERO = new LongDouble(false, BigInteger.ZERO, 0, true);
        /** Infinity or NaN: Redis only ever asks whether a value is finite, so one marker stands for all of them. */
        private static final LongDouble NOT_FINITE = new LongDouble(false, BigInteger.ZERO, 0, false);

        private final boolean negative;
        private final BigInteger mantissa;
        private final long exponent;
        private final boolean finite;

        private LongDouble(boolean negative, BigInteger mantissa, long exponent, boolean finite) {
            this.negative = negative;
            this.mantissa = mantissa;
            this.exponent = exponent;
            this.finite = finite;
        }

        /**
         * Redis's {@code string2ld}: {@code strtold} over the whole string, refusing empty strings, strings of 5120
         * bytes or more, leading spaces, NaN, and overflow or underflow to zero. Infinity is accepted. Null when
         * refused.
         */
        public static LongDouble parse(byte[] s) {
            if (s.length == 0 || s.length >= MAX_CHARS) {
                return null;
            }
            Literal lit = scan(s);
            if (lit == null) {
                return null;
            }
            if (lit.kind == Literal.Kind.INFINITY) {
                return NOT_FINITE;
            }
            if (!lit.nonZero) {
                return new LongDouble(lit.negative, BigInteger.ZERO, 0, true);
            }
            int radix = lit.kind == Literal.Kind.HEX ? 16 : 10;
            StringBuilder digits = new StringBuilder(lit.mantissaEnd - lit.mantissaStart);
            int fractionDigits = 0;
            for (int i = lit.mantissaStart; i < lit.mantissaEnd; i++) {
                if (i == lit.dot) {
                    continue;
                }
                if (digits.length() > 0 || s[i] != '0') {
                    digits.append((char) s[i]);
                }
                if (lit.dot >= 0 && i > lit.dot) {
                    fractionDigits++;
                }
            }
            BigInteger m = new BigInteger(digits.toString(), radix);
            LongDouble v;
            if (radix == 16) {
                v = round(lit.negative, m, BigInteger.ONE, lit.exponent - 4L * fractionDigits);
            } else {
                long scale = lit.exponent - fractionDigits;
                long magnitude = digits.length() - 1 + scale;
                if (magnitude > MAX_DECIMAL_EXP || magnitude < MIN_DECIMAL_EXP) {
                    return null; // certain overflow or underflow, refused before any big power is computed
                }
                v = scale >= 0
                        ? round(lit.negative, m.multiply(BigInteger.TEN.pow((int) scale)), BigInteger.ONE, 0)
                        : round(lit.negative, m, BigInteger.TEN.pow((int) -scale), 0);
            }
            return v.finite && v.mantissa.signum() != 0 ? v : null;
        }

        /** True unless infinite or NaN. */
        public boolean isFinite() {
            return finite;
        }

        /** {@code this + other} rounded once, as one x87 {@code fadd}; infinities and NaN give a non-finite value. */
        public LongDouble add(LongDouble other) {
            if (!finite || !other.finite) {
                return NOT_FINITE;
            }
            if (mantissa.signum() == 0 && other.mantissa.signum() == 0) {
                return new LongDouble(negative && other.negative, BigInteger.ZERO, 0, true);
            }
            long e = Math.min(exponent, other.exponent);
            BigInteger a = mantissa.shiftLeft((int) (exponent - e));
            BigInteger b = other.mantissa.shiftLeft((int) (other.exponent - e));
            BigInteger sum = (negative ? a.negate() : a).add(other.negative ? b.negate() : b);
            if (sum.signum() == 0) {
                return ZERO;
            }
            return round(sum.signum() < 0, sum.abs(), BigInteger.ONE, e);
        }

        /**
         * Redis's {@code ld2string(..., LD_STR_HUMAN)}: {@code printf("%.17Lf")} of the exact binary value (rounded
         * half to even, as glibc does), then trailing zeros and a trailing dot removed, and "-0" written as "0".
         * Only for finite values.
         */
        public String toHumanString() {
            if (!finite) {
                throw new IllegalStateException("only finite values are formatted");
            }
            String digits;
            if (exponent >= 0) {
                digits = mantissa.shiftLeft((int) exponent).toString();
            } else {
                // value·10^17 = mantissa·10^17 / 2^k, rounded half to even, then the point goes 17 digits left.
                int k = (int) -exponent;
                BigInteger scaled = mantissa.multiply(TEN_POW_17);
                BigInteger units = scaled.shiftRight(k);
                boolean halfBit = scaled.testBit(k - 1);
                boolean below = scaled.getLowestSetBit() < k - 1;
                if (halfBit && (below || units.testBit(0))) {
                    units = units.add(BigInteger.ONE);
                }
                String u = units.toString();
                if (u.length() <= 17) {
                    u = "0".repeat(18 - u.length()) + u;
                }
                digits = stripZeros(u.substring(0, u.length() - 17) + "." + u.substring(u.length() - 17));
            }
            if (digits.equals("0")) {
                return digits;
            }
            return negative ? "-" + digits : digits;
        }

        /**
         * Rounds {@code p/q·2^e} (p > 0, q > 0) to the nearest extended value, ties to even: overflow gives infinity,
         * values below half the smallest subnormal give zero.
         */
        private static LongDouble round(boolean neg, BigInteger p, BigInteger q, long e) {
            long log2 = p.bitLength() - q.bitLength();
            BigInteger pScaled = log2 < 0 ? p.shiftLeft((int) -log2) : p;
            BigInteger qScaled = log2 > 0 ? q.shiftLeft((int) log2) : q;
            if (pScaled.compareTo(qScaled) < 0) {
                log2--;
            }
            long top = log2 + e;
            if (top > MAX_EXP) {
                return NOT_FINITE;
            }
            if (top < MIN_QUANTUM - 1) {
                return new LongDouble(neg, BigInteger.ZERO, 0, true);
            }
            long quantum = Math.max(top - (PRECISION - 1), MIN_QUANTUM);
            long shift = e - quantum;
            BigInteger m;
            boolean roundUp;
            if (q.equals(BigInteger.ONE) && shift < 0) {
                // A binary value (sums, hex literals): the dropped bits decide, no division needed.
                int k = (int) -shift;
                m = p.shiftRight(k);
                roundUp = p.testBit(k - 1) && (p.getLowestSetBit() < k - 1 || m.testBit(0));
            } else {
                BigInteger num = shift > 0 ? p.shiftLeft((int) shift) : p;
                BigInteger den = shift < 0 ? q.shiftLeft((int) -shift) : q;
                BigInteger[] qr = num.divideAndRemainder(den);
                m = qr[0];
                int half = qr[1].shiftLeft(1).compareTo(den);
                roundUp = half > 0 || (half == 0 && m.testBit(0));
            }
            if (roundUp) {
                m = m.add(BigInteger.ONE);
            }
            if (m.bitLength() > PRECISION) {
                m = m.shiftRight(1);
                quantum++;
                if (quantum + PRECISION - 1 > MAX_EXP) {
                    return NOT_FINITE;
                }
            }
            return new LongDouble(neg, m, quantum, true);
        }
    }
}
