package io.jredis.server.util;

/**
 * fdlibm's arc sine ({@code e_asin.c}) in plain Java, bit for bit the result of {@link StrictMath#asin}: Java 17's
 * StrictMath.asin is a native call, whose JNI transition cost more than the arithmetic in a geo search's per-point
 * loop. Java's double arithmetic is IEEE 754 with no fused operations, as fdlibm's C is compiled, so the same
 * operations in the same order round the same way.
 *
 * <p>The method: for |x| &lt; 0.5, asin(x) = x + x·R(x²) with R a rational minimax approximation; for 0.5 &le; |x|
 * &lt; 1, asin(x) = π/2 - 2·asin(sqrt((1-|x|)/2)), the square root split in a high and a low part below |x| = 0.975
 * to keep the subtraction exact enough.
 */
public final class FdlibmAsin {
    private static final double PIO2_HI = Double.longBitsToDouble(0x3FF921FB54442D18L);
    private static final double PIO2_LO = Double.longBitsToDouble(0x3C91A62633145C07L);
    private static final double PIO4_HI = Double.longBitsToDouble(0x3FE921FB54442D18L);
    // R(t) = P(t) / Q(t), t = x².
    private static final double P0 = Double.longBitsToDouble(0x3FC5555555555555L);
    private static final double P1 = Double.longBitsToDouble(0xBFD4D61203EB6F7DL);
    private static final double P2 = Double.longBitsToDouble(0x3FC9C1550E884455L);
    private static final double P3 = Double.longBitsToDouble(0xBFA48228B5688F3BL);
    private static final double P4 = Double.longBitsToDouble(0x3F49EFE07501B288L);
    private static final double P5 = Double.longBitsToDouble(0x3F023DE10DFDF709L);
    private static final double Q1 = Double.longBitsToDouble(0xC0033A271C8A2D4BL);
    private static final double Q2 = Double.longBitsToDouble(0x40002AE59C598AC8L);
    private static final double Q3 = Double.longBitsToDouble(0xBFE6066C1B8D0159L);
    private static final double Q4 = Double.longBitsToDouble(0x3FB3B8C5B12E9282L);

    private FdlibmAsin() {}

    /** The arc sine of {@code x}, equal to {@code StrictMath.asin(x)} for every double. */
    public static double asin(double x) {
        long bits = Double.doubleToRawLongBits(x);
        int high = (int) (bits >>> 32);
        int absHigh = high & 0x7fffffff;
        if (absHigh >= 0x3ff00000) {
            if (absHigh == 0x3ff00000 && (int) bits == 0) {
                return x * PIO2_HI + x * PIO2_LO;
            }
            // |x| > 1 or NaN.
            return (x - x) / (x - x);
        }
        if (absHigh < 0x3fe00000) {
            if (absHigh < 0x3e400000) {
                // |x| < 2^-27: x itself is the correctly rounded result (and keeps the sign of zero).
                return x;
            }
            double t = x * x;
            return x + x * ratio(t);
        }
        double t = (1.0 - Math.abs(x)) * 0.5;
        double s = Math.sqrt(t);
        double y;
        if (absHigh >= 0x3FEF3333) {
            y = PIO2_HI - (2.0 * (s + s * ratio(t)) - PIO2_LO);
        } else {
            double p = numerator(t);
            double q = denominator(t);
            // s's high 32 bits, whose square is exact; c is the square root's remainder.
            double sHigh = Double.longBitsToDouble(Double.doubleToRawLongBits(s) & 0xFFFFFFFF00000000L);
            double c = (t - sHigh * sHigh) / (s + sHigh);
            double r = p / q;
            double lowPart = 2.0 * s * r - (PIO2_LO - 2.0 * c);
            double highPart = PIO4_HI - 2.0 * sHigh;
            y = PIO4_HI - (lowPart - highPart);
        }
        return high > 0 ? y : -y;
    }

    private static double ratio(double t) {
        return numerator(t) / denominator(t);
    }

    private static double numerator(double t) {
        return t * (P0 + t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5)))));
    }

    private static double denominator(double t) {
        return 1.0 + t * (Q1 + t * (Q2 + t * (Q3 + t * Q4)));
    }
}
