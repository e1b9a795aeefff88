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
 * Hash and set commands against a real redis-server: RESP3 reply shapes byte for byte, and a seeded random mix of
 * commands on a small key space whose every reply must match (unordered replies compared sorted).
 */
class HashSetDifferentialTest {
    private static final long SEED = Long.getLong("jredis.test.seed", 7_0_15L);
    private static final int OPERATIONS = 4000;

    @Test
    void resp3RepliesMatch() throws Exception {
        RealRedis.assumeInstalled();
        try (RealRedis redis = RealRedis.start(); TestServer ours = TestServer.start();
                RawClient real = new RawClient("127.0.0.1", redis.port());
                RawClient mine = new RawClient("127.0.0.1", ours.port())) {
            real.call("HELLO", "3");
            mine.call("PING");
            // HELLO belongs to the connection family; switch this test's only connection to RESP3 directly.
            ours.switchClientsToResp3();
            String script = """
                    HSET h a 1 b 2 c 3
                    HSET one f v
                    SADD s 3 1 2
                    SADD t 2 3 4
                    SADD single m
                    HGETALL h
                    HGETALL nokey
                    HKEYS h
                    HVALS nokey
                    HMGET h a zz
                    HMGET nokey a
                    HGET nokey a
                    HGET h a
                    HRANDFIELD nokey
                    HRANDFIELD nokey 2
                    HRANDFIELD nokey 2 WITHVALUES
                    HRANDFIELD h 10 WITHVALUES
                    HRANDFIELD h 0 WITHVALUES
                    HRANDFIELD one -3 WITHVALUES
                    HRANDFIELD one -3
                    HRANDFIELD one 1 WITHVALUES
                    HSCAN h 0
                    HSCAN nokey 0
                    HINCRBYFLOAT h f 1.5
                    HINCRBY h i 1
                    HEXISTS h a
                    SMEMBERS s
                    SMEMBERS nokey
                    SINTER s t
                    SINTER s nokey
                    SUNION s t
                    SDIFF s t
                    SDIFF nokey
                    SINTERCARD 2 s t
                    SISMEMBER s 1
                    SMISMEMBER s 1 9
                    SRANDMEMBER s 10
                    SRANDMEMBER s 0
                    SRANDMEMBER nokey 2
                    SRANDMEMBER nokey
                    SRANDMEMBER single -2
                    SRANDMEMBER single
                    SPOP nokey
                    SPOP nokey 2
                    SPOP s 0
                    SPOP single 5
                    SSCAN s 0
                    SSCAN nokey 0
                    """;
            for (String line : script.strip().split("\n")) {
                String[] argv = line.split(" ");
                check(real, mine, new Op(Compare.EXACT, argv), "RESP3");
            }
        }
    }

    @Test
    void seededRandomMixMatchesRedis() throws Exception {
        RealRedis.assumeInstalled();
        Random rnd = new Random(SEED);
        try (RealRedis redis = RealRedis.start(); TestServer ours = TestServer.start();
                RawClient real = new RawClient("127.0.0.1", redis.port());
                RawClient mine = new RawClient("127.0.0.1", ours.port())) {
            real.call("SET", "str", "x");
            mine.call("SET", "str", "x");
            for (int i = 0; i < OPERATIONS; i++) {
                Op op = next(rnd);
                check(real, mine, op, "op " + i + " (seed " + SEED + ")");
            }
            for (int k = 0; k < 4; k++) {
                check(real, mine, new Op(Compare.PAIRS_SORTED, new String[] {"HGETALL", "h" + k}), "final state");
                check(real, mine, new Op(Compare.SORTED, new String[] {"SMEMBERS", "s" + k}), "final state");
            }
        }
    }

    private static final String[] VALUES = {"1", "2", "-7", "10.5", "0.1", "abc", "", "9223372036854775807",
        "x".repeat(70)};

    private static Op next(Random r) {
        String h = "h" + r.nextInt(4);
        String s = "s" + r.nextInt(4);
        String s2 = r.nextInt(10) == 0 ? "str" : "s" + r.nextInt(4);
        String f = "f" + r.nextInt(8);
        String m = member(r);
        return switch (r.nextInt(30)) {
            case 0, 1, 2 -> op(Compare.EXACT, "HSET", h, f, value(r), "f" + r.nextInt(8), value(r));
            case 3 -> op(Compare.EXACT, "HSETNX", h, f, value(r));
            case 4 -> op(Compare.EXACT, "HGET", r.nextInt(10) == 0 ? "str" : h, f);
            case 5 -> op(Compare.EXACT, "HMGET", h, f, "f" + r.nextInt(8));
            case 6 -> op(Compare.EXACT, "HDEL", h, f, "f" + r.nextInt(8));
            case 7 -> r.nextBoolean() ? op(Compare.EXACT, "HLEN", h) : op(Compare.EXACT, "HSTRLEN", h, f);
            case 8 -> op(Compare.EXACT, "HEXISTS", h, f);
            case 9 -> op(Compare.SORTED, r.nextBoolean() ? "HKEYS" : "HVALS", h);
            case 10 -> op(Compare.PAIRS_SORTED, "HGETALL", h);
            case 11 -> op(Compare.EXACT, "HINCRBY", h, f, Integer.toString(r.nextInt(21) - 10));
            case 12 -> op(Compare.EXACT, "HINCRBYFLOAT", h, f,
                    new String[] {"1.5", "0.1", "-2", "1e3", "0.25"}[r.nextInt(5)]);
            case 13 -> r.nextBoolean()
                    ? op(Compare.SIZE, "HRANDFIELD", h, Integer.toString(r.nextInt(13) - 6), "WITHVALUES")
                    : op(Compare.SIZE, "HRANDFIELD", h, Integer.toString(r.nextInt(13) - 6));
            case 14 -> op(Compare.SCAN_PAIRS, "HSCAN", h, "0", "COUNT", "1000");
            case 15, 16, 17 -> op(Compare.EXACT, "SADD", s, m, member(r), member(r));
            case 18 -> op(Compare.EXACT, "SREM", s, m, member(r));
            case 19 -> op(Compare.SORTED, "SMEMBERS", r.nextInt(10) == 0 ? "str" : s);
            case 20 -> op(Compare.EXACT, r.nextBoolean() ? "SISMEMBER" : "SMISMEMBER", s, m);
            case 21 -> op(Compare.EXACT, "SCARD", s);
            case 22 -> op(Compare.EXACT, "SMOVE", s, s2, m);
            case 23 -> op(Compare.SORTED, "SINTER", s, s2);
            case 24 -> op(Compare.SORTED, r.nextBoolean() ? "SUNION" : "SDIFF", s, s2, "s" + r.nextInt(4));
            case 25 -> op(Compare.EXACT, new String[] {"SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"}[r.nextInt(3)],
                    "s" + r.nextInt(4), s, s2);
            case 26 -> op(Compare.EXACT, "SINTERCARD", "2", s, s2, "LIMIT", Integer.toString(r.nextInt(4)));
            case 27 -> op(Compare.SIZE, "SRANDMEMBER", s, Integer.toString(r.nextInt(13) - 6));
            case 28 -> op(Compare.SCAN, "SSCAN", s, "0", "COUNT", "1000");
            default -> op(Compare.SORTED, "SPOP", s, "40"); // at least the whole set: deterministic
        };
    }

    private static String member(Random r) {
        return r.nextInt(4) == 0 ? Character.toString('a' + r.nextInt(5)) : Integer.toString(r.nextInt(30) - 5);
    }

    private static String value(Random r) {
        return VALUES[r.nextInt(VALUES.length)];
    }

    private static Op op(Compare c, String... argv) {
        return new Op(c, argv);
    }
}
