package io.jredis.persistence.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Scores stored as text in listpacks and ziplists read exactly as strtod (here: Double.parseDouble) reads them. */
class ScoreTextTest {
    private static void check(String text) {
        byte[] b = ("xx" + text + "yy").getBytes(StandardCharsets.US_ASCII);
        double expected = Double.parseDouble(text);
        assertEquals(Double.doubleToRawLongBits(expected),
                Double.doubleToRawLongBits(RdbInput.parseScore(b, 2, text.length())), text);
    }

    @Test
    void seventeenDigitTextsOfRandomDoubles() {
        Random rnd = new Random(7);
        for (int i = 0; i < 50_000; i++) {
            double d = switch (i % 4) {
                case 0 -> rnd.nextInt(100_000) / 10.0;
                case 1 -> rnd.nextDouble() * 1000;
                case 2 -> rnd.nextDouble();
                default -> Double.longBitsToDouble(rnd.nextLong() & 0x7fffffffffffffffL);
            };
            if (Double.isNaN(d) || Double.isInfinite(d) || d > 1e300 || d < 1e-300) {
                continue;
            }
            String g17 = new BigDecimal(d).round(new MathContext(17)).stripTrailingZeros().toPlainString();
            check(g17);
            check("-" + g17);
            check(new BigDecimal(d).round(new MathContext(1 + rnd.nextInt(18))).toPlainString());
        }
    }

    @Test
    void randomDecimalTexts() {
        Random rnd = new Random(11);
        for (int i = 0; i < 50_000; i++) {
            String digits = Long.toString(Math.abs(rnd.nextLong()) % 1_000_000_000_000_000_000L);
            int dot = rnd.nextInt(digits.length() + 1);
            String text = dot == digits.length() ? digits : digits.substring(0, dot == 0 ? 1 : dot) + "."
                    + digits.substring(dot == 0 ? 1 : dot);
            if (text.endsWith(".")) {
                text = text.substring(0, text.length() - 1);
            }
            check(text);
        }
    }

    @Test
    void halfwayCasesAndOtherForms() {
        // 2^53 + 1 lies exactly between two doubles: ties to even.
        check("9007199254740993");
        check("9007199254740995");
        check("0.1");
        check("-0");
        check("-0.0");
        check("1e3");
        check("+5");
        check("0.000000000000000000000000000001");
        check("123456789012345678901234567890");
        check("1.5e-300");
        check("00012.5");
        assertEquals(Double.POSITIVE_INFINITY, RdbInput.parseScore("inf".getBytes(StandardCharsets.US_ASCII)));
        check("1.");
        assertThrows(IllegalArgumentException.class,
                () -> RdbInput.parseScore("12x".getBytes(StandardCharsets.US_ASCII)));
    }
}
