package io.jredis.server.scripting;

/**
 * Redis's {@code redisLrand48}: the 48-bit linear congruential generator of lrand48, with its default seed, behind
 * Lua's math.random in every script. The sequence is shared by all scripts and only reset by math.randomseed, so a
 * script that seeds it gets the same numbers Redis would give.
 */
final class Lrand48 {
    /** REDIS_LRAND48_MAX. */
    static final long MAX = Integer.MAX_VALUE;
    private static final long A = 0x5DEECE66DL;
    private static final long MASK = (1L << 48) - 1;

    private long x = 0x1234ABCD330EL;

    /** The next value in [0, 2^31). */
    long next() {
        x = (A * x + 0xB) & MASK;
        return x >>> 17;
    }

    /** redisSrand48. */
    void seed(int seed) {
        x = (((long) seed & 0xFFFFFFFFL) << 16 | 0x330E) & MASK;
    }
}
