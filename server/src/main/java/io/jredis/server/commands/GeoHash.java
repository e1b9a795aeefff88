package io.jredis.server.commands;

import io.jredis.server.util.FdlibmAsin;

/**
 * Redis's geohash arithmetic (geohash.c, geohash_helper.c): 52-bit interleaved cell numbers over the Web Mercator
 * latitude range, neighbour cells, the step estimate and 9-cell cover of a search area, and haversine distances
 * with Redis's earth radius. Every computation keeps Redis's operation order, so results are bit-identical.
 */
final class GeoHash {
    static final double LONG_MIN = -180;
    static final double LONG_MAX = 180;
    static final double LAT_MIN = -85.05112878;
    static final double LAT_MAX = 85.05112878;
    /** Steps of a member's score: 26 bits of longitude and 26 of latitude. */
    static final int STEP_MAX = 26;
    static final double EARTH_RADIUS_IN_METERS = 6372797.560856;
    private static final double MERCATOR_MAX = 20037726.37;
    private static final double D_R = Math.PI / 180.0;
    private static final double TWO_POW_63 = 0x1p63;
    /** 1/6 in double-double, and the sine's next Taylor coefficients 1/(2k+1)! (the factorials are exact doubles). */
    private static final double SIXTH = 1.0 / 6;
    private static final double SIXTH_LO = Math.fma(-6, SIXTH, 1) / 6;
    private static final double SIN5 = 1.0 / 120;
    private static final double SIN7 = 1.0 / 5040;
    private static final double SIN9 = 1.0 / 362880;
    private static final double SIN11 = 1.0 / 39916800;
    private static final double SIN13 = 1.0 / 6227020800.0;
    private static final double SIN15 = 1.0 / 1307674368000.0;
    private static final double SIN17 = 1.0 / 355687428096000.0;
    private static final double SIN19 = 1.0 / 121645100408832000.0;
    private static final double SIN21 = 1.0 / 51090942171709440000.0;

    private GeoHash() {}

    /** A cell: {@code bits} of {@code 2*step} interleaved bits; step 0 marks a cell excluded from a search. */
    record Cell(long bits, int step) {
        static final Cell NONE = new Cell(0, 0);

        boolean none() {
            return bits == 0 && step == 0;
        }

        /** equals() spelled out: the record's generated one showed in every search's profile. */
        boolean sameAs(Cell o) {
            return bits == o.bits && step == o.step;
        }

        /** The cell's number shifted to the 52-bit score scale (geohashAlign52Bits). */
        long align52() {
            return bits << (52 - step * 2);
        }
    }

    /** A cell's bounds in degrees. */
    record Area(double lonMin, double lonMax, double latMin, double latMax) {}

    /**
     * The area searched: a centre, a radius or a width and height in the request's unit, and that unit in metres.
     * {@link #prepare} then derives what every point's test reuses: the centre in radians and its latitude's cosine
     * (the same values Redis recomputes per point), and bounds that reject the points clearly outside without an arc
     * sine.
     */
    static final class Shape {
        double lon;
        double lat;
        boolean box;
        double radius;
        double width;
        double height;
        double conversion;
        /** The bounding box: min longitude, min latitude, max longitude, max latitude. */
        final double[] bounds = new double[4];

        private double lonR;
        private double latR;
        private double cosLat;
        /** The radius, or half the width: the limit of a great-circle distance, in metres. */
        private double limit;
        private double heightM;
        /** A haversine term above which the distance surely exceeds {@link #limit}. */
        private double haversineLimit;
        /** A haversine term at or below which the distance is surely within {@link #limit} (negative: none). */
        private double haversineInside;
        /** A meridian distance above which the great-circle distance surely exceeds {@link #limit}. */
        private double latitudeLimit;

        void prepare() {
            lonR = degRad(lon);
            latR = degRad(lat);
            cosLat = Math.cos(latR);
            if (box) {
                limit = width * conversion / 2;
                heightM = height * conversion;
            } else {
                limit = radius * conversion;
            }
            haversineLimit = haversineLimit(limit);
            haversineInside = haversineInside(limit);
            latitudeLimit = limit * (1 + 1e-9) + 1e-6;
        }

        /**
         * The distance in metres of a point inside the shape (geohashGetDistanceIfInRadiusWGS84, or ...InRectangle),
         * else -1.
         */
        double distanceIfInside(double lon2, double lat2) {
            if (box) {
                // In the box when its latitude is within half the height and its distance along its own parallel
                // within half the width.
                if (latDistance(lat2, lat) > heightM / 2) {
                    return -1;
                }
                double lat2r = degRad(lat2);
                double lon2r = degRad(lon2);
                // Along the point's parallel: the haversine term is cos²(lat)·sin²(Δlon/2) (Redis's distance with
                // both latitudes the point's); only a term between the two bounds needs the distance itself.
                double v = Math.sin((lonR - lon2r) / 2);
                if (v != 0.0) {
                    double cos2 = Math.cos(lat2r);
                    double a = cos2 * cos2 * v * v;
                    if (a > haversineInside
                            && distanceWithin(limit, haversineLimit, lon2r, lat2, lat2r, cos2, lonR, lat2, lat2r, cos2)
                            < 0) {
                        return -1;
                    }
                }
                return distanceFrom(lon2, lat2);
            }
            // Between latitudes within ±90°, the great circle is never shorter than the meridian distance: a bound
            // cheaper than any sine.
            if (latDistance(lat, lat2) > latitudeLimit) {
                return -1;
            }
            double lat2r = degRad(lat2);
            return distanceWithin(limit, haversineLimit, lonR, lat, latR, cosLat, degRad(lon2), lat2, lat2r,
                    Double.NaN);
        }

        /** The distance from the centre in metres. */
        double distanceFrom(double lon2, double lat2) {
            return haversineDistance(lonR, lat, latR, cosLat, degRad(lon2), lat2, degRad(lat2), Double.NaN,
                    Double.POSITIVE_INFINITY);
        }
    }

    /** The cell containing the centre and its eight neighbours (some {@link Cell#NONE}), in Redis's search order. */
    record Cover(Cell[] cells) {}

    // ---- encoding ----

    /**
     * Encodes a position with the given ranges at {@code step} (geohashEncode); -1 when the position is outside
     * the valid geo ranges or the given ones.
     */
    static long encode(double lonMin, double lonMax, double latMin, double latMax, double lon, double lat, int step) {
        if (lon > LONG_MAX || lon < LONG_MIN || lat > LAT_MAX || lat < LAT_MIN) {
            return -1;
        }
        if (lat < latMin || lat > latMax || lon < lonMin || lon > lonMax) {
            return -1;
        }
        double latOffset = (lat - latMin) / (latMax - latMin);
        double lonOffset = (lon - lonMin) / (lonMax - lonMin);
        latOffset *= (double) (1L << step);
        lonOffset *= (double) (1L << step);
        return interleave(toUint32(latOffset), toUint32(lonOffset));
    }

    /** Encodes a position with the geo ranges. */
    static long encode(double lon, double lat, int step) {
        return encode(LONG_MIN, LONG_MAX, LAT_MIN, LAT_MAX, lon, lat, step);
    }

    /** The score of a member at a position (already validated). */
    static long score(double lon, double lat) {
        return new Cell(encode(lon, lat, STEP_MAX), STEP_MAX).align52();
    }

    /** C's conversion of a non-negative double to uint32_t (through a 64-bit truncation). */
    private static long toUint32(double d) {
        return (long) d & 0xFFFFFFFFL;
    }

    /** C's (uint64_t) conversion on x86-64, including its results for negative and too large values. */
    static long toUint64(double d) {
        if (!(d >= TWO_POW_63)) {
            return Double.isNaN(d) || d <= -TWO_POW_63 ? Long.MIN_VALUE : (long) d;
        }
        double high = d - TWO_POW_63;
        return (high >= TWO_POW_63 ? Long.MIN_VALUE : (long) high) ^ Long.MIN_VALUE;
    }

    /** C's (long long) conversion on x86-64: out-of-range values become the "integer indefinite" minimum. */
    static long toInt64(double d) {
        return Double.isNaN(d) || d >= TWO_POW_63 || d < -TWO_POW_63 ? Long.MIN_VALUE : (long) d;
    }

    /** Spreads the low 32 bits of x to the even positions and of y to the odd ones, as Redis's masks do. */
    private static long interleave(long x, long y) {
        x = (x | (x << 16)) & 0x0000FFFF0000FFFFL;
        y = (y | (y << 16)) & 0x0000FFFF0000FFFFL;
        x = (x | (x << 8)) & 0x00FF00FF00FF00FFL;
        y = (y | (y << 8)) & 0x00FF00FF00FF00FFL;
        x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FL;
        y = (y | (y << 4)) & 0x0F0F0F0F0F0F0F0FL;
        x = (x | (x << 2)) & 0x3333333333333333L;
        y = (y | (y << 2)) & 0x3333333333333333L;
        x = (x | (x << 1)) & 0x5555555555555555L;
        y = (y | (y << 1)) & 0x5555555555555555L;
        return x | (y << 1);
    }

    /** The inverse of {@link #interleave}: even bits to the low half, odd bits to the high half. */
    private static long deinterleave(long v) {
        long x = v;
        long y = v >>> 1;
        x = x & 0x5555555555555555L;
        y = y & 0x5555555555555555L;
        x = (x | (x >>> 1)) & 0x3333333333333333L;
        y = (y | (y >>> 1)) & 0x3333333333333333L;
        x = (x | (x >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
        y = (y | (y >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
        x = (x | (x >>> 4)) & 0x00FF00FF00FF00FFL;
        y = (y | (y >>> 4)) & 0x00FF00FF00FF00FFL;
        x = (x | (x >>> 8)) & 0x0000FFFF0000FFFFL;
        y = (y | (y >>> 8)) & 0x0000FFFF0000FFFFL;
        x = (x | (x >>> 16)) & 0x00000000FFFFFFFFL;
        y = (y | (y >>> 16)) & 0x00000000FFFFFFFFL;
        return x | (y << 32);
    }

    // ---- decoding ----

    /** The bounds of a cell in the geo ranges (geohashDecode). */
    static Area decode(Cell cell) {
        long sep = deinterleave(cell.bits());
        long ilat = sep & 0xFFFFFFFFL;
        long ilon = sep >>> 32;
        int step = cell.step();
        return new Area(edge(ilon, step, LONG_MIN, LONG_MAX), edge(ilon + 1, step, LONG_MIN, LONG_MAX),
                edge(ilat, step, LAT_MIN, LAT_MAX), edge(ilat + 1, step, LAT_MIN, LAT_MAX));
    }

    /** Where cell {@code i} (of 2^step along one axis, wrapping at 2^32) starts: geohashDecode's bound. */
    private static double edge(long i, int step, double min, double max) {
        return min + ((i & 0xFFFFFFFFL) * 1.0 / (double) (1L << step)) * (max - min);
    }

    /**
     * The position a member's score stands for: the centre of its step-26 cell, {longitude, latitude}, clamped to
     * the valid ranges (a cell on the east or north edge has its centre outside them).
     */
    static double[] decodeScore(double score) {
        long cell = scoreCell(score);
        return new double[] {cellLon(cell), cellLat(cell)};
    }

    /**
     * A score's step-26 cell, its longitude and latitude numbers split apart, for {@link #cellLon} and
     * {@link #cellLat}: {@link #decodeScore} without an array (a search decodes every member of its cells).
     */
    static long scoreCell(double score) {
        return deinterleave(toUint64(score));
    }

    /** The longitude of {@link #decodeScore}, from {@link #scoreCell}. */
    static double cellLon(long cell) {
        return cellCentre(cell >>> 32, LONG_MIN, LONG_MAX);
    }

    /** The latitude of {@link #decodeScore}, from {@link #scoreCell}. */
    static double cellLat(long cell) {
        return cellCentre(cell & 0xFFFFFFFFL, LAT_MIN, LAT_MAX);
    }

    /** The clamped centre of step-26 cell {@code i} along one axis: geohashDecode's bounds, then their mean. */
    private static double cellCentre(long i, double min, double max) {
        double low = edge(i, STEP_MAX, min, max);
        double high = edge(i + 1, STEP_MAX, min, max);
        return Math.max(min, Math.min(max, (low + high) / 2));
    }

    // ---- neighbours ----

    private static Cell moveX(Cell c, int d) {
        long x = c.bits() & 0xAAAAAAAAAAAAAAAAL;
        long y = c.bits() & 0x5555555555555555L;
        long zz = 0x5555555555555555L >>> (64 - c.step() * 2);
        if (d > 0) {
            x = x + (zz + 1);
        } else {
            x = x | zz;
            x = x - (zz + 1);
        }
        x &= 0xAAAAAAAAAAAAAAAAL >>> (64 - c.step() * 2);
        return new Cell(x | y, c.step());
    }

    private static Cell moveY(Cell c, int d) {
        long x = c.bits() & 0xAAAAAAAAAAAAAAAAL;
        long y = c.bits() & 0x5555555555555555L;
        long zz = 0xAAAAAAAAAAAAAAAAL >>> (64 - c.step() * 2);
        if (d > 0) {
            y = y + (zz + 1);
        } else {
            y = y | zz;
            y = y - (zz + 1);
        }
        y &= 0x5555555555555555L >>> (64 - c.step() * 2);
        return new Cell(x | y, c.step());
    }

    // ---- distances ----

    private static double degRad(double ang) {
        return ang * D_R;
    }

    private static double radDeg(double ang) {
        return ang / D_R;
    }

    /** The distance along a meridian between two latitudes. */
    static double latDistance(double lat1, double lat2) {
        return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2) - degRad(lat1));
    }

    /** Haversine great-circle distance in metres (geohashGetDistance). */
    static double distance(double lon1, double lat1, double lon2, double lat2) {
        double lat1r = degRad(lat1);
        double lat2r = degRad(lat2);
        return haversineDistance(degRad(lon1), lat1, lat1r, Math.cos(lat1r), degRad(lon2), lat2, lat2r, Double.NaN,
                Double.POSITIVE_INFINITY);
    }

    /**
     * A haversine term above which {@code 2R·asin(sqrt(term))} surely exceeds {@code limit}: sin²(limit/2R) with a
     * margin far above the few ulps of error of either side, plus the smallest normal double so that subnormal terms
     * are always left to the exact computation; infinite when the limit reaches half the earth's circumference.
     */
    static double haversineLimit(double limit) {
        double half = limit / (2.0 * EARTH_RADIUS_IN_METERS);
        if (!(half < 1.5)) {
            return Double.POSITIVE_INFINITY;
        }
        double s = Math.sin(half);
        return s * s * (1 + 1e-9) + Double.MIN_NORMAL;
    }

    /**
     * A haversine term at or below which {@code 2R·asin(sqrt(term))} is surely within {@code limit}: sin²(limit/2R)
     * less the same margin, and less the smallest normal double, so that a subnormal square's coarse rounding never
     * counts; negative (no term) when the limit reaches half the earth's circumference.
     */
    static double haversineInside(double limit) {
        double half = limit / (2.0 * EARTH_RADIUS_IN_METERS);
        if (!(half < 1.5)) {
            return -1;
        }
        double s = Math.sin(half);
        return s * s * (1 - 1e-9) - Double.MIN_NORMAL;
    }

    /** The distance when it is at most {@code limit} metres, else -1; {@code haversineLimit} from that limit. */
    private static double distanceWithin(double limit, double haversineLimit, double lon1r, double lat1, double lat1r,
            double cos1, double lon2r, double lat2, double lat2r, double cos2) {
        double d = haversineDistance(lon1r, lat1, lat1r, cos1, lon2r, lat2, lat2r, cos2, haversineLimit);
        return d > limit ? -1 : d;
    }

    /**
     * Redis's haversine distance from radians and cosines computed once by the caller ({@code cos2} NaN: computed
     * here, only when needed); +Infinity, with no arc sine computed, when the haversine term exceeds
     * {@code haversineLimit}. The distance of two points on one meridian is their latitudes' distance, as Redis's.
     */
    private static double haversineDistance(double lon1r, double lat1, double lat1r, double cos1, double lon2r,
            double lat2, double lat2r, double cos2, double haversineLimit) {
        double v = Math.sin((lon2r - lon1r) / 2);
        if (v == 0.0) {
            return latDistance(lat1, lat2);
        }
        double u = Math.sin((lat2r - lat1r) / 2);
        double a = u * u + cos1 * (Double.isNaN(cos2) ? Math.cos(lat2r) : cos2) * v * v;
        if (a > haversineLimit) {
            return Double.POSITIVE_INFINITY;
        }
        return 2.0 * EARTH_RADIUS_IN_METERS * asin(Math.sqrt(a));
    }

    /**
     * Arc sine rounded as glibc's nearly always is (correctly): fdlibm's result (StrictMath's, computed by FdlibmAsin
     * without a native call) is one ulp off for about 7% of distances, which STOREDIST scores show; one Newton step
     * with the sine residual computed in double-double arithmetic ({@link #newtonStep}) corrects it. That residual's
     * series costs more than the rest of a point's test, so a cheaper one with a bounded error decides first
     * whenever its step provably rounds to the same double.
     */
    static double asin(double s) {
        double y = FdlibmAsin.asin(s);
        double quick = quickNewtonStep(y, s);
        return quick == quick ? quick : newtonStep(y, s, Math.cos(y));
    }

    /** The corrected arc sine of {@code s} from fdlibm's {@code y} and {@code c = cos(y)}. */
    static double newtonStep(double y, double s, double c) {
        return y - sineResidual(y, s) / c;
    }

    /**
     * {@link #newtonStep}'s result when the same step with a residual accurate to a known bound cannot round
     * differently, else NaN. For y at most 1 radian, sin(y) - s is (y - s) - y³·(1/6 - T), with y - s exact (the two
     * within a factor of 2), y³ and 1/6 - T in double-double, T's short remainder series in plain double: an error
     * below y³·(4e-15·T + 1e-22), the cut series' tail included. The cosine divided by is sqrt(1 - s²): cheaper, and
     * within 7e-16 of Math.cos(y) relatively (their own errors, and y within an ulp of asin(s)), 7 ulps of δ. The
     * step is decided when the exact y - δ lies farther from the rounding midpoints around its result than both
     * steps' errors can move it: 32 ulps of δ for the divisors and roundings, and the residuals' bounds
     * (newtonStep's, double-double and cut at 1e-34, is far more accurate).
     */
    private static double quickNewtonStep(double y, double s) {
        if (!(y <= 1.0)) {
            return Double.NaN;
        }
        double y2 = y * y;
        double y2Lo = Math.fma(y, y, -y2);
        double y3 = y2 * y;
        double y3Lo = Math.fma(y2, y, -y3) + y2Lo * y;
        double t = y2 * (SIN5 - y2 * (SIN7 - y2 * (SIN9 - y2 * (SIN11 - y2 * (SIN13 - y2 * (SIN15 - y2 * (SIN17
                - y2 * (SIN19 - y2 * SIN21))))))));
        double p = SIXTH - t;
        double pLo = ((SIXTH - p) - t) + SIXTH_LO;
        double q = y3 * p;
        double qLo = Math.fma(y3, p, -q) + (y3 * pLo + y3Lo * p);
        double residual = ((y - s) - q) - qLo;
        double delta = residual / Math.sqrt((1 - s) * (1 + s));
        double result = y - delta;
        double off = (y - result) - delta;
        double halfGap = Math.min(Math.nextUp(result) - result, result - Math.nextDown(result)) / 2;
        double error = 2 * (y3 * (t * 4e-15 + 1e-22) + y * 1e-29 + 1e-33) + 32 * Math.ulp(delta);
        return Math.abs(off) + error < halfGap ? result : Double.NaN;
    }

    /** {@code sin(y) - s} for s close to sin(y), |y| at most π/2: the Taylor series summed in double-double. */
    private static double sineResidual(double y, double s) {
        double y2 = y * y;
        double y2Lo = Math.fma(y, y, -y2);
        double termHi = y;
        double termLo = 0;
        double sumHi = y;
        double sumLo = 0;
        for (int k = 1; k < 20 && Math.abs(termHi) >= 1e-34; k++) {
            double p = termHi * y2;
            double pLo = Math.fma(termHi, y2, -p) + (termHi * y2Lo + termLo * y2);
            double q = p + pLo;
            pLo -= q - p;
            double d = (2.0 * k) * (2.0 * k + 1);
            double qHi = q / d;
            double qLo = (Math.fma(-qHi, d, q) + pLo) / d;
            termHi = -qHi;
            termLo = -qLo;
            double t = sumHi + termHi;
            double b = t - sumHi;
            sumLo += (sumHi - (t - b)) + (termHi - b) + termLo;
            sumHi = t + sumLo;
            sumLo -= sumHi - t;
        }
        return (sumHi - s) + sumLo;
    }

    // ---- search area ----

    /** Redis's step estimate for a radius: the cell size at which 9 cells cover it, coarser near the poles. */
    static int estimateSteps(double rangeMeters, double lat) {
        if (rangeMeters == 0) {
            return 26;
        }
        int step = 1;
        while (rangeMeters < MERCATOR_MAX) {
            rangeMeters *= 2;
            step++;
        }
        step -= 2;
        if (lat > 66 || lat < -66) {
            step--;
            if (lat > 80 || lat < -80) {
                step--;
            }
        }
        return Math.max(1, Math.min(26, step));
    }

    /** Fills the shape's bounding box; parallels shrink towards the poles, so the wider edge is the one nearer them. */
    static void boundingBox(Shape s) {
        double height = s.conversion * (s.box ? s.height / 2 : s.radius);
        double width = s.conversion * (s.box ? s.width / 2 : s.radius);
        double latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
        double lonDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(s.lat + latDelta)));
        double lonDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(s.lat - latDelta)));
        boolean southern = s.lat < 0;
        s.bounds[0] = southern ? s.lon - lonDeltaBottom : s.lon - lonDeltaTop;
        s.bounds[2] = southern ? s.lon + lonDeltaBottom : s.lon + lonDeltaTop;
        s.bounds[1] = s.lat - latDelta;
        s.bounds[3] = s.lat + latDelta;
    }

    /**
     * The 9 cells to scan for a shape (geohashCalculateAreasByShapeWGS84): centre, north, south, east, west,
     * north-east, north-west, south-east, south-west; a step finer than needed is coarsened once when a side
     * neighbour does not reach the bounding box, and neighbours wholly outside it are dropped.
     */
    static Cover cover(Shape s) {
        boundingBox(s);
        double minLon = s.bounds[0];
        double minLat = s.bounds[1];
        double maxLon = s.bounds[2];
        double maxLat = s.bounds[3];
        double radiusMeters = s.box ? Math.sqrt((s.width / 2) * (s.width / 2) + (s.height / 2) * (s.height / 2))
                : s.radius;
        radiusMeters *= s.conversion;
        int steps = estimateSteps(radiusMeters, s.lat);
        Cell hash = new Cell(encode(s.lon, s.lat, steps), steps);
        Cell[] n = neighbours(hash);
        boolean decrease = decode(n[1]).latMax() < maxLat
                | decode(n[2]).latMin() > minLat
                | decode(n[3]).lonMax() < maxLon
                | decode(n[4]).lonMin() > minLon;
        if (steps > 1 && decrease) {
            steps--;
            hash = new Cell(encode(s.lon, s.lat, steps), steps);
            n = neighbours(hash);
        }
        Area area = decode(hash);
        if (steps >= 2) {
            if (area.latMin() < minLat) {
                n[2] = n[7] = n[8] = Cell.NONE;
            }
            if (area.latMax() > maxLat) {
                n[1] = n[5] = n[6] = Cell.NONE;
            }
            if (area.lonMin() < minLon) {
                n[4] = n[8] = n[6] = Cell.NONE;
            }
            if (area.lonMax() > maxLon) {
                n[3] = n[7] = n[5] = Cell.NONE;
            }
        }
        return new Cover(n);
    }

    /** The cell and its neighbours in search order: self, N, S, E, W, NE, NW, SE, SW. */
    private static Cell[] neighbours(Cell c) {
        return new Cell[] {
            c,
            moveY(c, 1),
            moveY(c, -1),
            moveX(c, 1),
            moveX(c, -1),
            moveY(moveX(c, 1), 1),
            moveY(moveX(c, -1), 1),
            moveY(moveX(c, 1), -1),
            moveY(moveX(c, -1), -1),
        };
    }
}
