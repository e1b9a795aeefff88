package io.jredis.server.util;

/**
 * Decimal digits of non-negative longs, for every integer reply, RESP header and stored counter: counted without a
 * loop and written backwards two at a time, which halves the divisions of a digit-by-digit loop.
 */
public final class Digits {
    private static final byte[] PAIRS = new byte[200];
    private static final long[] POWERS = new long[19];

    static {
        for (int i = 0; i < 100; i++) {
            PAIRS[2 * i] = (byte) ('0' + i / 10);
            PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
        long p = 1;
        for (int i = 0; i < POWERS.length; i++) {
            POWERS[i] = p;
            p *= 10;
        }
    }

    private Digits() {}

    /** How many decimal digits {@code u} (at least 0) has. */
    public static int count(long u) {
        // 1233 / 4096 approximates log10(2): the bit length gives the digit count or one less.
        int t = (64 - Long.numberOfLeadingZeros(u | 1)) * 1233 >>> 12;
        return t + ((u | 1) >= POWERS[t] ? 1 : 0);
    }

    /** Writes the digits of {@code u} (at least 0) into {@code dst}, the last one just before index {@code end}. */
    public static void write(long u, byte[] dst, int end) {
        while (u >= 100) {
            int r = (int) (u % 100) * 2;
            u /= 100;
            dst[--end] = PAIRS[r + 1];
            dst[--end] = PAIRS[r];
        }
        if (u >= 10) {
            int r = (int) u * 2;
            dst[--end] = PAIRS[r + 1];
            dst[--end] = PAIRS[r];
        } else {
            dst[--end] = (byte) ('0' + u);
        }
    }
}
