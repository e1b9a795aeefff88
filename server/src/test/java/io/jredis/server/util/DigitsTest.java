package io.jredis.server.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DigitsTest {
    private static void same(long u) {
        String want = Long.toString(u);
        assertEquals(want.length(), Digits.count(u), want);
        byte[] out = new byte[want.length() + 2];
        Digits.write(u, out, want.length() + 1);
        assertEquals(want, new String(out, 1, want.length(), StandardCharsets.US_ASCII));
    }

    @Test
    void everyPowerOfTenAndItsNeighboursAsLongToString() {
        long p = 1;
        for (int i = 0; i < 19; i++, p *= 10) {
            same(p - 1);
            same(p);
            same(p + 1);
        }
        same(0);
        same(Long.MAX_VALUE);
        for (int bits = 0; bits < 63; bits++) {
            same(1L << bits);
            same((1L << bits) - 1);
        }
    }

    @Test
    void randomValuesOfEveryLengthAsLongToString() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            same(r.nextLong(Long.MAX_VALUE) >>> r.nextInt(63));
        }
    }

    @Test
    void signedValuesThroughBytesFromLong() {
        for (long v : new long[] {Long.MIN_VALUE, Long.MIN_VALUE + 1, -1_000_000_007L, -10, -9, -1, 0, 9, 10, 99, 100,
                Long.MAX_VALUE}) {
            assertEquals(Long.toString(v), new String(Bytes.fromLong(v), StandardCharsets.US_ASCII));
        }
    }
}
