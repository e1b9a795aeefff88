package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.util.FdlibmAsin;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** GeoHash's arithmetic shortcuts against the computations they stand in for. */
class GeoHashTest {

    private static void sameAsNewtonStep(double s) {
        double y = FdlibmAsin.asin(s);
        double expected = GeoHash.newtonStep(y, s, Math.cos(y));
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(GeoHash.asin(s)),
                () -> "asin(" + s + ")");
    }

    /**
     * The corrected arc sine takes a cheaper residual when its bound proves the step rounds the same: the result
     * must be the double-double step's for every argument, distances of millimetres to half the globe.
     */
    @Test
    void quickArcSineIsTheNewtonStepsBitForBit() {
        SplittableRandom random = new SplittableRandom(0x6E0);
        for (int i = 0; i < 3_000_000; i++) {
            switch (i % 3) {
                case 0 -> sameAsNewtonStep(random.nextDouble());
                // Haversine terms of random point pairs, as searches take them.
                case 1 -> {
                    double lat1 = Math.toRadians(random.nextDouble() * 170 - 85);
                    double lat2 = Math.toRadians(random.nextDouble() * 170 - 85);
                    double dLon = Math.toRadians(random.nextDouble() * 360 - 180);
                    double u = Math.sin((lat2 - lat1) / 2);
                    double v = Math.sin(dLon / 2);
                    sameAsNewtonStep(Math.sqrt(u * u + Math.cos(lat1) * Math.cos(lat2) * v * v));
                }
                // Short distances: arguments down to 2^-60.
                default -> sameAsNewtonStep(Math.scalb(random.nextDouble(), -random.nextInt(60)));
            }
        }
        for (double s : new double[] {0.0, Double.MIN_VALUE, Double.MIN_NORMAL, 0x1p-27, 0.5, Math.sin(1.0),
            Math.nextUp(Math.sin(1.0)), Math.nextDown(1.0), 1.0}) {
            sameAsNewtonStep(s);
        }
    }
}
