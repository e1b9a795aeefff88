package io.jredis.server.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** FdlibmAsin must return StrictMath.asin's exact bits: geo distances, and so replies, are built on them. */
class FdlibmAsinTest {

    private static void same(double x) {
        assertEquals(Double.doubleToRawLongBits(StrictMath.asin(x)), Double.doubleToRawLongBits(FdlibmAsin.asin(x)),
                () -> "asin(" + x + ") bits " + Long.toHexString(Double.doubleToRawLongBits(x)));
    }

    @Test
    void edgeCases() {
        double[] special = {0.0, -0.0, 1.0, -1.0, Math.nextDown(1.0), Math.nextUp(-1.0), Math.nextUp(1.0), 2, -2,
            0.5, -0.5, Math.nextDown(0.5), Math.nextUp(0.5), 0.975, Math.nextDown(0.975), Math.nextUp(0.975),
            Double.longBitsToDouble(0x3FEF333300000000L), Double.longBitsToDouble(0x3FEF332FFFFFFFFFL),
            0x1p-27, Math.nextDown(0x1p-27), Math.nextUp(0x1p-27), -0x1p-27, Double.MIN_VALUE, -Double.MIN_VALUE,
            Double.MIN_NORMAL, Math.nextDown(Double.MIN_NORMAL), Double.MAX_VALUE, -Double.MAX_VALUE,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN,
            Double.longBitsToDouble(0x7FF0000000000001L), Double.longBitsToDouble(0xFFF8000000000123L)};
        for (double x : special) {
            same(x);
        }
        // Every branch boundary's neighbourhood, a thousand ulps each way.
        for (long boundary : new long[] {0x3ff0000000000000L, 0x3fe0000000000000L, 0x3e40000000000000L,
            0x3FEF333300000000L}) {
            for (long k = -1000; k <= 1000; k++) {
                same(Double.longBitsToDouble(boundary + k));
                same(-Double.longBitsToDouble(boundary + k));
            }
        }
    }

    @Test
    void millionsOfRandomArguments() {
        SplittableRandom random = new SplittableRandom(0xA51E);
        for (int i = 0; i < 4_000_000; i++) {
            switch (i & 3) {
                case 0 -> same(random.nextDouble() * 2 - 1);
                // Any bit pattern: NaNs, infinities, subnormals, |x| > 1.
                case 1 -> same(Double.longBitsToDouble(random.nextLong()));
                // 0.5 <= |x| <= 1 and a little beyond, uniformly over the bit patterns.
                case 2 -> same(Math.copySign(Double.longBitsToDouble(
                        random.nextLong(0x3fe0000000000000L, 0x3ff0000000000010L)), random.nextInt(2) - 0.5));
                // Uniform over the exponents: tiny, subnormal and near-zero arguments.
                default -> same(Math.copySign(Math.scalb(random.nextDouble(), -random.nextInt(1080)),
                        random.nextInt(2) - 0.5));
            }
        }
    }

    /** The haversine terms geo searches take the arc sine of: squares of sines, small ones above all. */
    @Test
    void squareRootsOfHaversineTerms() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 1_000_000; i++) {
            double a = Math.scalb(random.nextDouble(), -random.nextInt(60));
            same(Math.sqrt(a));
        }
    }
}
