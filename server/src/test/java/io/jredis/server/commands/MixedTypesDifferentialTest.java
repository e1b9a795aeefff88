package io.jredis.server.commands;

import static io.jredis.server.testing.ReplyComparison.check;

import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.ReplyComparison.Compare;
import io.jredis.server.testing.ReplyComparison.Op;
import io.jredis.server.testing.TestServer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A seeded random mix of commands from every family over one small key space, so keys change type, collide with
 * WRONGTYPE, expire, move and get renamed; every reply must match a real redis-server (unordered replies sorted).
 * Rerun a failure with {@code -Djredis.test.seed=<seed>}.
 */
class MixedTypesDifferentialTest {
    private static final long SEED = Long.getLong("jredis.test.seed", 20261126L);
    private static final int OPERATIONS = 6000;
    private static final String[] VALUES = {"1", "-3", "10.5", "abc", "", "9223372036854775807", "0.1",
        "y".repeat(50)};

    @Test
    void seededRandomMixOfAllTypesMatchesRedis() throws Exception {
        RealRedis.assumeInstalled();
        Random rnd = new Random(SEED);
        try (RealRedis redis = RealRedis.start(); TestServer ours = TestServer.start();
                RawClient real = new RawClient("127.0.0.1", redis.port());
                RawClient mine = new RawClient("127.0.0.1", ours.port())) {
            for (int i = 0; i < OPERATIONS; i++) {
                check(real, mine, next(rnd), "op " + i + " (seed " + SEED + ")");
            }
            for (int k = 0; k < 6; k++) {
                check(real, mine, new Op(Compare.EXACT, "TYPE", "k" + k), "final state");
            }
            check(real, mine, new Op(Compare.EXACT, "DBSIZE"), "final state");
        }
    }

    private static Op next(Random r) {
        String k = "k" + r.nextInt(6);
        String k2 = "k" + r.nextInt(6);
        String v = VALUES[r.nextInt(VALUES.length)];
        String m = r.nextInt(3) == 0 ? Character.toString('a' + r.nextInt(4)) : Integer.toString(r.nextInt(12));
        String n = Integer.toString(r.nextInt(9) - 4);
        return switch (r.nextInt(48)) {
            case 0, 1 -> op(Compare.EXACT, "SET", k, v);
            case 2 -> op(Compare.EXACT, "GET", k);
            case 3 -> op(Compare.EXACT, "APPEND", k, v);
            case 4 -> op(Compare.EXACT, "INCRBY", k, n);
            case 5 -> op(Compare.EXACT, "INCRBYFLOAT", k, v);
            case 6 -> op(Compare.EXACT, "GETRANGE", k, n, Integer.toString(r.nextInt(20)));
            case 7 -> op(Compare.EXACT, "SETRANGE", k, Integer.toString(r.nextInt(8)), v);
            case 8 -> op(Compare.EXACT, "STRLEN", k);
            case 9 -> op(Compare.EXACT, "MSET", k, v, k2, m);
            case 10 -> op(Compare.EXACT, "MGET", k, k2);
            case 11, 12 -> op(Compare.EXACT, r.nextBoolean() ? "LPUSH" : "RPUSH", k, m, v);
            case 13 -> op(Compare.EXACT, r.nextBoolean() ? "LPOP" : "RPOP", k);
            case 14 -> op(Compare.EXACT, "LRANGE", k, n, Integer.toString(r.nextInt(9) - 2));
            case 15 -> op(Compare.EXACT, "LINSERT", k, r.nextBoolean() ? "BEFORE" : "AFTER", m, v);
            case 16 -> op(Compare.EXACT, "LREM", k, n, m);
            case 17 -> op(Compare.EXACT, "LMOVE", k, k2, r.nextBoolean() ? "LEFT" : "RIGHT", "LEFT");
            case 18 -> op(Compare.EXACT, "LTRIM", k, n, Integer.toString(r.nextInt(9) - 2));
            case 19, 20 -> op(Compare.EXACT, "HSET", k, m, v);
            case 21 -> op(Compare.EXACT, "HGET", k, m);
            case 22 -> op(Compare.PAIRS_SORTED, "HGETALL", k);
            case 23 -> op(Compare.EXACT, "HINCRBY", k, m, n);
            case 24 -> op(Compare.EXACT, "HDEL", k, m);
            case 25, 26 -> op(Compare.EXACT, "SADD", k, m, Integer.toString(r.nextInt(12)));
            case 27 -> op(Compare.SORTED, "SMEMBERS", k);
            case 28 -> op(Compare.EXACT, "SREM", k, m);
            case 29 -> op(Compare.SORTED, r.nextBoolean() ? "SUNION" : "SINTER", k, k2);
            case 30 -> op(Compare.EXACT, "SMOVE", k, k2, m);
            case 31, 32 -> op(Compare.EXACT, "ZADD", k, n, m);
            case 33 -> op(Compare.EXACT, "ZINCRBY", k, v, m);
            case 34 -> op(Compare.EXACT, "ZRANGE", k, "0", "-1", "WITHSCORES");
            case 35 -> op(Compare.EXACT, "ZRANGEBYSCORE", k, "(" + n, "+inf", "LIMIT", "0", "3");
            case 36 -> op(Compare.EXACT, "ZREM", k, m);
            case 37 -> op(Compare.EXACT, "ZUNIONSTORE", k, "2", k, k2, "AGGREGATE", r.nextBoolean() ? "MAX" : "SUM");
            case 38 -> op(Compare.EXACT, "ZPOPMIN", k, Integer.toString(r.nextInt(3)));
            case 39 -> op(Compare.EXACT, "TYPE", k);
            case 40 -> op(Compare.EXACT, "EXISTS", k, k2);
            case 41 -> op(Compare.EXACT, "DEL", k);
            case 42 -> op(Compare.EXACT, r.nextBoolean() ? "RENAME" : "RENAMENX", k, k2);
            case 43 -> op(Compare.EXACT, "COPY", k, k2, "REPLACE");
            // Absolute times keep NX/GT/LT comparisons and the reported expiry independent of the clock.
            case 44 -> op(Compare.EXACT, "EXPIREAT", k, r.nextBoolean() ? "4102444800" : "4102444900",
                    new String[] {"NX", "XX", "GT", "LT"}[r.nextInt(4)]);
            case 45 -> op(Compare.EXACT, "EXPIRETIME", k);
            case 46 -> op(Compare.EXACT, "PERSIST", k);
            default -> op(Compare.EXACT, "DBSIZE");
        };
    }

    private static Op op(Compare c, String... argv) {
        return new Op(c, argv);
    }
}
