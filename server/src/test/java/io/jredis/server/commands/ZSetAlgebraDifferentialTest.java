package io.jredis.server.commands;

import static io.jredis.server.testing.ReplyComparison.check;
import static io.jredis.server.testing.ReplyComparison.onBoth;

import io.jredis.server.testing.ReplyComparison.Compare;
import io.jredis.server.testing.ReplyComparison.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ZUNION, ZINTER, ZDIFF (and their STORE forms), ZINTERCARD and ZRANGESTORE against a real redis-server, in RESP2 and
 * RESP3: the scores' aggregation order and NaN handling, and a seeded random mix over sorted sets and plain sets of
 * both encodings, with the stored results read back with their encoding.
 */
class ZSetAlgebraDifferentialTest {
    private static final long SEED = Long.getLong("jredis.test.seed", 7_0_15L);
    private static final int OPERATIONS = 1500;
    private static final String[] SCORES = {"1", "2", "-3", "0", "-0", "0.5", "1.5", "3", "1e300", "-1e300", "inf",
        "-inf"};
    private static final String[] WEIGHTS = {"1", "1", "0", "-1", "2", "0.5", "inf", "-inf", "1e300"};
    private static final int[] SIZES = {0, 1, 3, 20, 127, 128, 129, 300};

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void aggregationOrderAndNanMatchRedis(int protocol) throws Exception {
        onBoth(protocol, (real, mine) -> {
            String script = """
                    ZADD p inf x 1 a
                    ZADD q -inf x 1 a
                    ZADD r 5 x 1 a 1 b
                    ZADD a 5 x 0 y 1 z
                    ZADD b inf x 0 y 2 z
                    ZADD n 0 a
                    SADD s a b x
                    ZINTER 3 r p q WITHSCORES
                    ZINTER 3 q r p WITHSCORES
                    ZUNION 3 r p q WITHSCORES
                    ZUNION 3 r q p WITHSCORES
                    ZINTERSTORE d 3 r p q
                    ZADD one1 inf x
                    ZADD one2 -inf x
                    ZADD one3 5 x
                    ZINTER 3 one3 one1 one2 WITHSCORES
                    ZINTER 3 one1 one3 one2 WITHSCORES
                    ZUNION 4 one1 one3 one3 one2 WITHSCORES
                    ZRANGE d 0 -1 WITHSCORES
                    ZINTER 2 a b WEIGHTS 1 0 WITHSCORES
                    ZINTER 2 a b WEIGHTS 1 0 AGGREGATE MIN WITHSCORES
                    ZINTER 2 a b WEIGHTS 1 0 AGGREGATE MAX WITHSCORES
                    ZINTER 2 a b WEIGHTS 0 1 AGGREGATE MAX WITHSCORES
                    ZUNION 2 a b WEIGHTS 1 0 AGGREGATE MIN WITHSCORES
                    ZINTER 2 n n WEIGHTS 1 -1 WITHSCORES
                    ZINTER 2 n n WEIGHTS -1 1 AGGREGATE MIN WITHSCORES
                    ZINTER 2 n n WEIGHTS 1 -1 AGGREGATE MAX WITHSCORES
                    ZINTERSTORE e 2 n n WEIGHTS -1 -1 AGGREGATE MAX
                    ZSCORE e a
                    ZINTER 2 s r WEIGHTS 2 3 WITHSCORES
                    ZUNION 2 r s AGGREGATE MAX WITHSCORES
                    ZDIFF 2 s r WITHSCORES
                    ZINTERCARD 3 r s p
                    ZINTERCARD 2 r r LIMIT 1
                    ZINTERSTORE r 2 r p
                    ZRANGE r 0 -1 WITHSCORES
                    ZINTERSTORE r 2 r nokey
                    EXISTS r
                    ZRANGESTORE d a 0 -1 REV
                    ZRANGE d 0 -1 WITHSCORES
                    ZRANGESTORE d a 1 5 REV
                    ZRANGE d 0 -1 WITHSCORES
                    ZRANGESTORE d a -2 -1
                    ZRANGE d 0 -1 WITHSCORES
                    ZRANGESTORE d a 5 7
                    EXISTS d
                    """;
            for (String line : script.strip().split("\n")) {
                check(real, mine, new Op(Compare.EXACT, line.split(" ")), "RESP" + protocol);
            }
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void seededRandomSetOperationsMatchRedis(int protocol) throws Exception {
        Random rnd = new Random(SEED + protocol);
        onBoth(protocol, (real, mine) -> {
            for (int k = 0; k < 6; k++) {
                for (String[] cmd : fill("k" + k, rnd)) {
                    check(real, mine, new Op(Compare.EXACT, cmd), "set-up");
                }
            }
            check(real, mine, new Op(Compare.EXACT, "SET", "str", "x"), "set-up");
            for (int i = 0; i < OPERATIONS; i++) {
                String where = "op " + i + " (seed " + SEED + ", RESP" + protocol + ")";
                String[] cmd = next(rnd);
                check(real, mine, new Op(Compare.EXACT, cmd), where);
                if (cmd[0].endsWith("STORE")) {
                    check(real, mine, new Op(Compare.EXACT, "ZRANGE", cmd[1], "0", "-1", "WITHSCORES"), where);
                    check(real, mine, new Op(Compare.EXACT, "OBJECT", "ENCODING", cmd[1]), where);
                }
            }
        });
    }

    /** A key's set-up: a sorted set of a random size and member length, or a plain set (intset or strings). */
    private static List<String[]> fill(String key, Random r) {
        List<String[]> out = new ArrayList<>();
        int size = SIZES[r.nextInt(SIZES.length)];
        boolean plain = r.nextInt(4) == 0;
        boolean numeric = r.nextBoolean();
        String pad = r.nextInt(5) == 0 ? "p".repeat(70) : "";
        List<String> args = new ArrayList<>(List.of(plain ? "SADD" : "ZADD", key));
        for (int i = 0; i < size; i++) {
            String member = (plain && numeric ? "" : "m" + pad) + r.nextInt(400);
            if (!plain) {
                args.add(SCORES[r.nextInt(SCORES.length)]);
            }
            args.add(member);
        }
        if (size > 0) {
            out.add(args.toArray(String[]::new));
        }
        return out;
    }

    private static String[] next(Random r) {
        int kind = r.nextInt(10);
        if (kind == 0) {
            return new String[] {"ZADD", key(r), SCORES[r.nextInt(SCORES.length)], "m" + r.nextInt(400)};
        }
        if (kind == 1) {
            return new String[] {"ZRANGESTORE", key(r), key(r), Integer.toString(r.nextInt(300) - 150),
                Integer.toString(r.nextInt(300) - 150), r.nextBoolean() ? "REV" : "LIMIT", "0", "-1"};
        }
        int n = 1 + r.nextInt(4);
        List<String> argv = new ArrayList<>();
        String op = new String[] {"ZINTER", "ZUNION", "ZDIFF"}[r.nextInt(3)];
        boolean card = kind == 2;
        boolean store = !card && r.nextBoolean();
        argv.add(card ? "ZINTERCARD" : store ? op + "STORE" : op);
        if (store) {
            argv.add(key(r));
        }
        argv.add(Integer.toString(n));
        for (int i = 0; i < n; i++) {
            argv.add(r.nextInt(30) == 0 ? "str" : key(r));
        }
        if (card) {
            argv.add("LIMIT");
            argv.add(Integer.toString(r.nextInt(5)));
        } else if (!op.equals("ZDIFF")) {
            if (r.nextBoolean()) {
                argv.add("WEIGHTS");
                for (int i = 0; i < n; i++) {
                    argv.add(WEIGHTS[r.nextInt(WEIGHTS.length)]);
                }
            }
            if (r.nextBoolean()) {
                argv.add("AGGREGATE");
                argv.add(new String[] {"SUM", "MIN", "MAX"}[r.nextInt(3)]);
            }
        }
        if (!store && !card && r.nextBoolean()) {
            argv.add("WITHSCORES");
        }
        return argv.toArray(String[]::new);
    }

    private static String key(Random r) {
        return r.nextInt(8) == 0 ? "nokey" + r.nextInt(2) : "k" + r.nextInt(6);
    }
}
