package io.jredis.server.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.DifferentialRunner;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DoublesTest {
    private static String incr(String current, String increment) {
        Doubles.LongDouble v = current == null ? Doubles.LongDouble.ZERO : Doubles.LongDouble.parse(Bytes.of(current));
        return v.add(Doubles.LongDouble.parse(Bytes.of(increment))).toHumanString();
    }

    /**
     * The 128-bit {@code %.Nf} (GEOPOS and WITHCOORD print coordinates with 17 decimals) against BigDecimal's exact
     * rounding: random doubles of every scale, geo coordinates, exact halves and their neighbours, subnormals.
     */
    @Test
    void fixedExactMatchesBigDecimal() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(17);
        for (int i = 0; i < 1_000_000; i++) {
            int decimals = random.nextInt(19);
            double d = switch (i % 5) {
                case 0 -> random.nextDouble() * 180;
                case 1 -> Math.scalb(random.nextDouble(), random.nextInt(-1080, 53));
                // Halves at the last decimal, which round to even, and one ulp either side.
                case 2 -> {
                    double half = (random.nextInt(1 << 20) + 0.5) / Math.pow(2, random.nextInt(8));
                    yield switch (random.nextInt(3)) {
                        case 0 -> half;
                        case 1 -> Math.nextUp(half);
                        default -> Math.nextDown(half);
                    };
                }
                case 3 -> Double.longBitsToDouble(random.nextLong(0x4330000000000000L));
                default -> random.nextInt(1000) / 8.0;
            };
            String exact = Doubles.fixedExact(d, decimals);
            String expected = new java.math.BigDecimal(d).setScale(decimals, java.math.RoundingMode.HALF_EVEN)
                    .toPlainString();
            if (exact != null) {
                assertEquals(expected, exact, "%." + decimals + "f of " + d);
            } else {
                assertTrue(new java.math.BigDecimal(expected).movePointRight(decimals)
                        .compareTo(new java.math.BigDecimal("18446744073709551615")) > 0 || d >= 0x1p52,
                        "%." + decimals + "f of " + d + " left to BigDecimal");
            }
        }
        assertEquals("179.99999991059303284", Doubles.fixed(179.99999991059303284, 17));
        assertEquals("0.00000000000000000", Doubles.fixed(Double.MIN_VALUE, 17));
        assertEquals("2", Doubles.fixedExact(2.5, 0), "an exact half rounds to even");
        assertEquals("4", Doubles.fixedExact(3.5, 0));
        assertEquals("0.125000000000000000", Doubles.fixedExact(0.125, 18));
    }

    /** GEOPOS and WITHCOORD coordinates: %.17Lf of the exact value, trailing zeros and point dropped, "-0" as "0". */
    @Test
    void human17MatchesTheTrimmedExactDecimals() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(18);
        for (int i = 0; i < 1_000_000; i++) {
            double d = switch (i % 4) {
                case 0 -> random.nextDouble() * 360 - 180;
                case 1 -> Math.scalb(random.nextDouble(), random.nextInt(-80, 8)) * (random.nextBoolean() ? 1 : -1);
                case 2 -> (random.nextInt(2000) - 1000) / Math.pow(2, random.nextInt(3, 60));
                default -> Math.copySign(Math.scalb(random.nextDouble(), -random.nextInt(1075)), random.nextInt(2) - 0.5);
            };
            String text = new java.math.BigDecimal(d).setScale(17, java.math.RoundingMode.HALF_EVEN).toPlainString();
            text = text.replaceAll("0+$", "").replaceAll("\\.$", "");
            if (text.equals("-0")) {
                text = "0";
            }
            assertEquals(text, new String(Doubles.human17(d), java.nio.charset.StandardCharsets.US_ASCII), "of " + d);
        }
        for (double d : new double[] {-0.0, 0.0, 180, -180, 85.05112878, -1e-18, -5e-18, -6e-18, 0.5e-17}) {
            String text = new java.math.BigDecimal(d).setScale(17, java.math.RoundingMode.HALF_EVEN).toPlainString();
            text = text.replaceAll("0+$", "").replaceAll("\\.$", "");
            assertEquals(text.equals("-0") ? "0" : text,
                    new String(Doubles.human17(d), java.nio.charset.StandardCharsets.US_ASCII), "of " + d);
        }
    }

    /**
     * Geo distances round the double product d·10^4 half to even, as Redis's fixedpoint_d2string (values printed by
     * redis-server 7.0.15's GEODIST): 48756582.837549999 ft is 487565828375.49999 ten-thousandths exactly, but the
     * product rounds to .5 and that to the even 6, where printf's %.4f gives 5.
     */
    @Test
    void fixedPointRoundsTheScaledDoubleHalfToEven() {
        assertEquals("48756582.8376", ascii(Doubles.fixedPoint(48756582.837549999, 4)));
        assertEquals("48756582.8375", Doubles.fixed(48756582.837549999, 4));
        assertEquals("0.0000", ascii(Doubles.fixedPoint(0.0, 4)));
        assertEquals("0.0000", ascii(Doubles.fixedPoint(-0.0, 4)));
        assertEquals("0.0000", ascii(Doubles.fixedPoint(0.00005, 4)));
        assertEquals("0.0001", ascii(Doubles.fixedPoint(0.00015, 4)));
        assertEquals("-1.5000", ascii(Doubles.fixedPoint(-1.5, 4)));
        assertEquals("12.3456", ascii(Doubles.fixedPoint(12.34565, 4)));
        java.util.SplittableRandom random = new java.util.SplittableRandom(19);
        for (int i = 0; i < 100_000; i++) {
            double d = random.nextDouble() * 7e7;
            double scaled = d * 10_000;
            String expected = java.math.BigDecimal.valueOf((long) Math.rint(scaled), 4).toPlainString();
            assertEquals(expected, ascii(Doubles.fixedPoint(d, 4)), "fixed point of " + d);
        }
    }

    private static String ascii(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Test
    void fixedFastPathMatchesCsPrintf() {
        Random random = new Random(13);
        for (int decimals : new int[] {2, 3, 4, 6}) {
            double unit = Math.pow(10, -decimals);
            for (int i = 0; i < 100_000; i++) {
                double d = switch (i % 4) {
                    case 0 -> random.nextDouble() * 20_000_000;
                    case 1 -> random.nextDouble() * Math.pow(10, random.nextInt(16) - 6);
                    case 2 -> (random.nextInt(2_000_000_000) + 0.5) * unit;
                    default -> Math.nextAfter((random.nextInt(1_000_000) + 0.5) * unit, random.nextBoolean() ? 1 : -1);
                };
                String fast = Doubles.fixedDigits(d, decimals);
                if (fast != null) {
                    assertEquals(new java.math.BigDecimal(d).setScale(decimals, java.math.RoundingMode.HALF_EVEN)
                            .toPlainString(), fast, "%." + decimals + "f of " + d);
                }
            }
        }
        assertEquals("166.2742", Doubles.fixedDigits(166274.1516 / 1000, 4));
        assertNull(Doubles.fixedDigits(0.00005, 4), "an exact half is left to BigDecimal");
        assertNull(Doubles.fixedDigits(Double.POSITIVE_INFINITY, 2));
        assertEquals("1.00", Doubles.fixed(1.005, 2), "1.005 is a little below a half");
        assertEquals("0.01", Doubles.fixed(0.005, 2), "0.005 is a little above a half");
        assertEquals("0.12", Doubles.fixed(0.125, 2), "an exact half rounds to even");
        assertEquals("-0.00", Doubles.fixed(-0.0, 2));
        assertEquals("-1.50", Doubles.fixed(-1.5, 2));
        assertEquals("inf", Doubles.fixed(Double.POSITIVE_INFINITY, 2));
        assertEquals("-nan", Doubles.fixed(Double.NaN, 2));
        assertEquals("12345678901234567168.00", Doubles.fixed(12345678901234567890.0, 2));
    }

    @Test
    void g17FastPathMatchesTheExactConversion() {
        java.util.Random rnd = new java.util.Random(17);
        for (int i = 0; i < 40_000; i++) {
            double v = switch (i % 4) {
                case 0 -> Double.longBitsToDouble(rnd.nextLong());
                case 1 -> rnd.nextInt(2_000_000) / 10.0 - 100_000;
                case 2 -> rnd.nextDouble() * Math.pow(10, rnd.nextInt(40) - 20);
                default -> (rnd.nextLong() >> rnd.nextInt(64)) + (rnd.nextBoolean() ? 0.5 : 0.25);
            };
            if (Double.isNaN(v) || Double.isInfinite(v) || v == 0) {
                continue;
            }
            assertEquals(Doubles.g17Exact(v), Doubles.g17(v), Double.toString(v));
            assertEquals(Doubles.g17Exact(v), g17Bytes(v), Double.toString(v));
        }
        for (double v : new double[] {0.01, 0.1, 1, 9.999999999999999, 99999999999999.99, 4503599627370495.5,
                9007199254740991.0, 0.009999999999999998, 1e15, 123456789012.5, 2.5, -1e-5}) {
            assertEquals(Doubles.g17Exact(v), Doubles.g17(v), Double.toString(v));
            assertEquals(Doubles.g17Exact(v), g17Bytes(v), Double.toString(v));
        }
        for (double v : new double[] {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertEquals(Doubles.g17(v), g17Bytes(v), Double.toString(v));
        }
    }

    private static String g17Bytes(double v) {
        byte[] b = new byte[32];
        return new String(b, 0, Doubles.g17(v, b), java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Test
    void incrByFloatResultsSeenFromRedis() {
        assertEquals("10.6", incr("10.5", "0.1"));
        assertEquals("3000", incr(null, "3.0e3"));
        assertEquals("3016", incr("3000", "0x10"));
        assertEquals("3016.25", incr("3016", "0x1p-2"));
        assertEquals("100000000000000000000", incr("1e20", "0.5"));
        assertEquals("12345678901234567891", incr("12345678901234567890", "1"));
        assertEquals("1", incr("0x1p-1074", "1"));
        assertEquals("0.00000000000000001", incr(null, "1e-17"));
        assertEquals("0", incr(null, "4e-18"));
        assertEquals("0.00000000000000002", incr(null, "1.5e-17"));
        assertEquals("-0.00000000000000002", incr(null, "-2.5e-17"));
        assertEquals("10000000000000000000000000", incr(null, "1e25"));
        assertEquals("1", incr(null, "0.1e1"));
        assertEquals("0", incr(null, "-0"));
        // Exact ties at the 18th decimal round half to even, as glibc's printf does.
        assertEquals("0.00000381469726562", incr(null, "0x1p-18"));
        assertEquals("0.00001144409179688", incr(null, "0x3p-18"));
        assertEquals("-0.00001144409179688", incr(null, "-0x3p-18"));
        assertEquals("0.00048446655273438", incr(null, "0x7fp-18"));
        assertEquals("0", incr(null, "1e-4950"));
        assertTrue(incr(null, "1.7976931348623157e308").startsWith("1797693134862315699959210467741044340483"));
        String v = null;
        StringBuilder chain = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            v = incr(v, "0.1");
            chain.append(v).append(' ');
        }
        assertEquals("0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9 1 ", chain.toString());
        assertEquals("1.1 2.2 3.3", incr(null, "1.1") + " " + incr("1.1", "1.1") + " " + incr("2.2", "1.1"));
    }

    @Test
    void string2ldRules() {
        for (String ok : new String[] {"1", "-1", "+1", ".5", "5.", "+.5e+1", "1E5", "0x10", "0X1.8P1", "0x.8",
                "inf", "-INF", "Infinity", "1e4000", "1e-4940", "0", "-0", "0e-99999", "00012"}) {
            assertNotNull(Doubles.LongDouble.parse(Bytes.of(ok)), ok);
        }
        for (String bad : new String[] {"", " 1", "1 ", "1e", "1e+", "e1", ".", "-", "0x", "0x1p", "nan", "NaN",
                "-nan", "1f", "1d", "1.2.3", "infinit", "1e5000", "-1e5000", "1e-4952", "0x1p-20000", "1\u0000",
                "1_0", "0x1p99999"}) {
            assertNull(Doubles.LongDouble.parse(Bytes.of(bad)), bad);
        }
        assertNull(Doubles.LongDouble.parse(Bytes.of("1".repeat(5120))));
        assertFalse(Doubles.LongDouble.parse(Bytes.of("inf")).isFinite());
        assertFalse(Doubles.LongDouble.parse(Bytes.of("1e4932")).add(Doubles.LongDouble.parse(Bytes.of("1e4932")))
                .isFinite());
    }

    @Test
    void string2dRules() {
        double[] out = new double[1];
        assertTrue(Bytes.parseDouble(Bytes.of("1.5"), out));
        assertEquals(1.5, out[0]);
        assertTrue(Bytes.parseDouble(Bytes.of("0x1.8"), out));
        assertEquals(1.5, out[0]);
        assertTrue(Bytes.parseDouble(Bytes.of("-inf"), out));
        assertEquals(Double.NEGATIVE_INFINITY, out[0]);
        assertTrue(Bytes.parseDouble(Bytes.of("4e-320"), out));
        for (String bad : new String[] {"1f", "1d", " 1", "1 ", "nan", "1e400", "1e-400", "1e", "0x"}) {
            assertFalse(Bytes.parseDouble(Bytes.of(bad), out), bad);
        }
    }

    /** Short decimals skip the general parser: their value must still be strtod's (the nearest double). */
    @Test
    void plainDecimalsParseToTheNearestDouble() {
        Random r = new Random(20261126);
        double[] out = new double[1];
        for (int i = 0; i < 200_000; i++) {
            int digits = 1 + r.nextInt(16);
            StringBuilder s = new StringBuilder(r.nextBoolean() ? "-" : "");
            for (int d = 0; d < digits; d++) {
                s.append((char) ('0' + r.nextInt(10)));
            }
            if (digits > 1 && r.nextInt(4) != 0) {
                s.insert(s.length() - 1 - r.nextInt(digits - 1), '.');
            }
            String text = s.toString();
            assertTrue(Bytes.parseDouble(Bytes.of(text), out), text);
            assertEquals(Double.doubleToRawLongBits(Double.parseDouble(text)), Double.doubleToRawLongBits(out[0]),
                    text);
        }
        for (String edge : new String[] {"-0", "-0.0", "0.000000000000001", "999999999999999", "99999999999999.9",
                "9007199254740993", "0.1", "1.", ".5", "-.5", "12345678901234567.5"}) {
            assertTrue(Bytes.parseDouble(Bytes.of(edge), out), edge);
            assertEquals(Double.doubleToRawLongBits(Double.parseDouble(edge)), Double.doubleToRawLongBits(out[0]),
                    edge);
        }
        for (String bad : new String[] {"1.2.3", "-", "1-", "--1", "1..2", "+-1"}) {
            assertFalse(Bytes.parseDouble(Bytes.of(bad), out), bad);
        }
    }

    /** Random literal in the shapes clients send: plain decimals, exponents, long mantissas, hex, extremes. */
    private static String randomLiteral(Random r) {
        String sign = r.nextInt(4) == 0 ? "-" : "";
        switch (r.nextInt(9)) {
            case 8:
                return sign + "0x" + Integer.toHexString(1 + 2 * r.nextInt(5000)) + "p-" + (18 + r.nextInt(3));
            case 0:
                return sign + r.nextInt(1000);
            case 1:
                return sign + r.nextInt(100) + "." + r.nextInt(100);
            case 2: {
                StringBuilder digits = new StringBuilder();
                int n = 1 + r.nextInt(25);
                for (int i = 0; i < n; i++) {
                    digits.append((char) ('0' + r.nextInt(10)));
                }
                digits.insert(r.nextInt(n + 1), '.');
                if (digits.length() == 1) {
                    digits.append('1');
                }
                return sign + digits;
            }
            case 3:
                return sign + (1 + r.nextInt(9)) + "." + r.nextInt(1_000_000) + "e" + (r.nextInt(80) - 40);
            case 4:
                int exp = r.nextInt(4) == 0 ? r.nextInt(9800) - 4900 : r.nextInt(800) - 400;
                return sign + (1 + r.nextInt(9)) + "e" + exp;
            case 5:
                return sign + "0x" + Long.toHexString(r.nextLong() >>> r.nextInt(64)) + "p" + (r.nextInt(200) - 100);
            case 6:
                return sign + "0." + "0".repeat(r.nextInt(20)) + (1 + r.nextInt(99999));
            default:
                return sign + r.nextDouble() * Math.pow(10, r.nextInt(40) - 20);
        }
    }

    /** INCRBYFLOAT on jredis and on real Redis 7.0 must give byte-identical replies, chains included. */
    @Test
    void randomIncrByFloatMatchesRealRedis() throws Exception {
        RealRedis.assumeInstalled();
        Random r = new Random(7_0_15);
        List<byte[][]> commands = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            String key = "k" + (i % 50);
            if (r.nextInt(3) == 0) {
                commands.add(argv("SET", key, randomLiteral(r)));
            }
            commands.add(argv("INCRBYFLOAT", key, randomLiteral(r)));
        }
        for (int i = 0; i < 50; i++) {
            commands.add(argv("GET", "k" + i));
        }
        try (RealRedis redis = RealRedis.start(); TestServer jredis = TestServer.start();
                RawClient real = new RawClient("127.0.0.1", redis.port());
                RawClient ours = new RawClient("127.0.0.1", jredis.port())) {
            List<byte[]> expected = pipeline(real, commands);
            List<byte[]> actual = pipeline(ours, commands);
            long bulk = actual.stream().filter(b -> b[0] == '$').count();
            assertTrue(bulk > 1800, "too few successful INCRBYFLOAT replies to compare: " + bulk);
            List<String> diffs = new ArrayList<>();
            for (int i = 0; i < commands.size(); i++) {
                if (!java.util.Arrays.equals(expected.get(i), actual.get(i))) {
                    diffs.add(String.join(" ", texts(commands.get(i))) + "\n  redis:  "
                            + DifferentialRunner.show(expected.get(i)) + "\n  jredis: "
                            + DifferentialRunner.show(actual.get(i)));
                }
            }
            assertTrue(diffs.isEmpty(), diffs.size() + " differences, first ones:\n"
                    + String.join("\n", diffs.subList(0, Math.min(10, diffs.size()))));
        }
    }

    private static byte[][] argv(String... args) {
        byte[][] out = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            out[i] = Bytes.of(args[i]);
        }
        return out;
    }

    private static List<String> texts(byte[][] argv) {
        List<String> out = new ArrayList<>();
        for (byte[] a : argv) {
            out.add(Bytes.str(a));
        }
        return out;
    }

    private static List<byte[]> pipeline(RawClient client, List<byte[][]> commands) throws Exception {
        List<byte[]> replies = new ArrayList<>();
        for (int from = 0; from < commands.size(); from += 500) {
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            int to = Math.min(commands.size(), from + 500);
            for (int i = from; i < to; i++) {
                batch.writeBytes(RawClient.encode(commands.get(i)));
            }
            client.send(batch.toByteArray());
            for (int i = from; i < to; i++) {
                replies.add(client.readRaw());
            }
        }
        return replies;
    }
}
