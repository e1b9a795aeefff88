package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.DifferentialRunner;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.SharedServerTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * PFADD, PFCOUNT, PFMERGE, PFDEBUG and PFSELFTEST: replies, propagation, and the stored bytes compared with a real
 * redis-server (sparse and dense, from a few elements to 100,000), in both directions.
 */
class HyperLogLogTest extends SharedServerTest {
    private static final byte[] KEY = "h".getBytes(StandardCharsets.US_ASCII);
    private static byte[] header(int encoding, int... card) {
        byte[] h = new byte[16];
        h[0] = 'H';
        h[1] = 'Y';
        h[2] = 'L';
        h[3] = 'L';
        h[4] = (byte) encoding;
        for (int i = 0; i < card.length; i++) {
            h[8 + i] = (byte) card[i];
        }
        return h;
    }

    private static byte[] concat(byte[] a, int... tail) {
        byte[] out = Arrays.copyOf(a, a.length + tail.length);
        for (int i = 0; i < tail.length; i++) {
            out[a.length + i] = (byte) tail[i];
        }
        return out;
    }

    private String error(Runnable r) {
        return assertThrows(JedisDataException.class, r::run).getMessage();
    }

    private static String[] elements(String prefix, int from, int to) {
        String[] e = new String[to - from];
        for (int i = from; i < to; i++) {
            e[i - from] = prefix + i;
        }
        return e;
    }

    @Test
    void pfaddCreatesAnEmptySparseHyperLogLog() {
        assertEquals(1, j.pfadd("h"));
        // Header with the cache marked stale, then XZERO covering the 16384 registers.
        assertArrayEquals(concat(header(1, 0, 0, 0, 0, 0, 0, 0, 0x80), 0x7f, 0xff), j.get(KEY));
        assertEquals(0, j.pfadd("h"));
        assertEquals(0, j.pfcount("h"));
        assertArrayEquals(concat(header(1), 0x7f, 0xff), j.get(KEY));
        assertEquals(0, j.pfcount("missing"));
        assertEquals(1, j.pfadd("h", "a", "b", "c"));
        assertEquals(0, j.pfadd("h", "a", "b", "c"));
        assertEquals(3, j.pfcount("h"));
        assertEquals("sparse", RespParser.toText(debug("ENCODING", "h")));
    }

    private Object debug(String sub, String key) {
        try (RawClient c = new RawClient(server.host(), server.port())) {
            return c.call("PFDEBUG", sub, key);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void singleKeyCountIsCachedInTheValueAndPropagated() {
        j.pfadd("h", elements("e", 0, 1000));
        propagated.clear();
        long card = j.pfcount("h");
        assertTrue(Math.abs(card - 1000) < 20, "estimate " + card);
        byte[] v = j.get(KEY);
        long cached = 0;
        for (int i = 7; i >= 0; i--) {
            cached = cached << 8 | (v[8 + i] & 0xff);
        }
        assertEquals(card, cached);
        assertEquals(card, j.pfcount("h"));
        j.pfadd("g", "x");
        assertEquals(card + 1, j.pfcount("h", "g"));
        assertEquals(List.of("PFCOUNT h", "PFADD g x"), List.copyOf(propagated));
    }

    @Test
    void pfaddAndPfmergePropagateOnlyChanges() {
        j.pfadd("a", "x", "y");
        j.pfadd("a", "x");
        j.pfmerge("m", "a", "missing");
        assertEquals(List.of("PFADD a x y", "PFMERGE m a missing"), List.copyOf(propagated));
        assertEquals(2, j.pfcount("m"));
        assertEquals("sparse", RespParser.toText(debug("ENCODING", "m")));
    }

    @Test
    void invalidValuesAreRefused() {
        j.set("s", "not an hll at all");
        String invalid = "WRONGTYPE Key is not a valid HyperLogLog string value.";
        assertEquals(invalid, error(() -> j.pfadd("s", "a")));
        assertEquals(invalid, error(() -> j.pfcount("s")));
        assertEquals(invalid, error(() -> j.pfcount("missing", "s")));
        assertEquals(invalid, error(() -> j.pfmerge("d", "s")));
        j.set("dense".getBytes(), concat(header(0), 1, 2, 3));
        assertEquals(invalid, error(() -> j.pfcount("dense")));
        j.rpush("list", "x");
        String wrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
        assertEquals(wrongType, error(() -> j.pfadd("list", "a")));
        assertEquals(wrongType, error(() -> j.pfcount("h", "list")));
        String corrupt = "INVALIDOBJ Corrupted HLL object detected";
        // XZERO for 16384 registers followed by one more ZERO run: 16385 registers.
        j.set("c".getBytes(), concat(header(1, 0, 0, 0, 0, 0, 0, 0, 0x80), 0x7f, 0xff, 0x00));
        assertEquals(corrupt, error(() -> j.pfcount("c")));
        assertEquals(corrupt, error(() -> j.pfcount("c", "missing")));
        assertEquals(corrupt, error(() -> j.pfmerge("d", "c")));
        assertEquals(false, j.exists("d"));
    }

    @Test
    void pfdebugConvertsDecodesAndPropagatesConversions() throws Exception {
        j.pfadd("h", "a", "b");
        assertEquals("sparse", RespParser.toText(debug("ENCODING", "h")));
        String decoded = RespParser.toText(debug("DECODE", "h"));
        assertTrue(decoded.matches("(Z:\\d+ |z:\\d+ |v:\\d+,\\d+ )*(Z|z):\\d+"), decoded);
        propagated.clear();
        Object regs = debug("GETREG", "h");
        assertEquals(16384, ((List<?>) regs).size());
        assertEquals(2L, ((List<?>) regs).stream().filter(r -> (Long) r != 0).count());
        assertEquals("dense", RespParser.toText(debug("ENCODING", "h")));
        assertEquals(12304, j.strlen("h"));
        assertEquals(0L, debug("TODENSE", "h"));
        assertEquals("(error) ERR HLL encoding is not sparse", RespParser.toText(debug("DECODE", "h")));
        assertEquals(List.of("PFDEBUG GETREG h"), List.copyOf(propagated));
        assertEquals("(error) ERR The specified key does not exist", RespParser.toText(debug("GETREG", "none")));
        assertEquals("(error) ERR Unknown PFDEBUG subcommand 'foo'", RespParser.toText(debug("foo", "h")));
        assertEquals(2, j.pfcount("h"));
    }

    @Test
    void keyspaceEventsAreNamedPfadd() throws Exception {
        j.configSet("notify-keyspace-events", "K$g");
        try (RawClient sub = new RawClient(server.host(), server.port())) {
            sub.call("SUBSCRIBE", "__keyspace@0__:h");
            j.pfadd("h", "a");
            j.pfadd("h", "a");
            j.pfmerge("h", "h");
            j.bitop(redis.clients.jedis.args.BitOP.AND, "h", "missing");
            assertEquals("[message, __keyspace@0__:h, pfadd]", RespParser.toText(sub.read()));
            assertEquals("[message, __keyspace@0__:h, pfadd]", RespParser.toText(sub.read()));
            assertEquals("[message, __keyspace@0__:h, del]", RespParser.toText(sub.read()));
        } finally {
            j.configSet("notify-keyspace-events", "");
        }
    }

    @Test
    void selfTestPasses() {
        try (RawClient c = new RawClient(server.host(), server.port())) {
            assertEquals("OK", RawClient.text(c.call("PFSELFTEST")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The same PFADD batches, from single elements to 100,000 in all, leave byte-identical values in jredis and
     * redis-server after every batch (sparse growth, the promotion to dense, dense updates), with identical counts.
     */
    @Test
    void valuesAreByteIdenticalToRealRedisFromTinyToLarge() throws Exception {
        try (RealRedis redis = RealRedis.start(); Jedis real = new Jedis("127.0.0.1", redis.port())) {
            Random rnd = new Random(7);
            List<String> mismatches = new ArrayList<>();
            int total = 0;
            while (total < 100_000 && mismatches.size() < 3) {
                int n = total < 3000 ? 1 + rnd.nextInt(total < 200 ? 3 : 40) : 2000 + rnd.nextInt(3000);
                String[] batch = new String[n];
                for (int i = 0; i < n; i++) {
                    batch[i] = Long.toString(rnd.nextLong(), 36);
                }
                total += n;
                long expectedAdded = real.pfadd("h", batch);
                if (j.pfadd("h", batch) != expectedAdded) {
                    mismatches.add("PFADD reply after " + total);
                }
                if (rnd.nextInt(4) == 0 && real.pfcount("h") != j.pfcount("h")) {
                    mismatches.add("PFCOUNT after " + total);
                }
                if (!Arrays.equals(real.get(KEY), j.get(KEY))) {
                    mismatches.add("value after " + total + " elements");
                }
            }
            assertEquals("dense", RespParser.toText(debug("ENCODING", "h")));
            assertEquals(real.pfcount("h"), j.pfcount("h"));
            assertArrayEquals(real.get(KEY), j.get(KEY));
            assertTrue(mismatches.isEmpty(), mismatches::toString);
        }
    }

    /** Sparse and dense merges and multi-key counts agree with redis-server, and so do the merged values. */
    @Test
    void mergesAndUnionCountsMatchRealRedis() throws Exception {
        try (RealRedis redis = RealRedis.start(); Jedis real = new Jedis("127.0.0.1", redis.port())) {
            for (Jedis c : List.of(real, j)) {
                c.pfadd("s1", elements("a", 0, 300));
                c.pfadd("s2", elements("b", 0, 50));
                c.pfadd("d1", elements("c", 0, 5000));
                c.pfmerge("m1", "s1", "s2");
                c.pfmerge("m2", "s1", "d1");
                c.pfmerge("s2", "s2", "s1");
            }
            for (String k : List.of("m1", "m2", "s2")) {
                assertArrayEquals(real.get(k.getBytes()), j.get(k.getBytes()), k);
                assertEquals(real.pfcount(k), j.pfcount(k), k);
            }
            assertEquals(real.pfcount("s1", "d1", "missing"), j.pfcount("s1", "d1", "missing"));
            assertEquals(real.pfcount("m1", "m2"), j.pfcount("m1", "m2"));
        }
    }

    /** A value written by one server counts the same and keeps growing identically in the other, both ways. */
    @Test
    void valuesMoveBetweenRedisAndJredis() throws Exception {
        try (RealRedis redis = RealRedis.start(); Jedis real = new Jedis("127.0.0.1", redis.port())) {
            for (int size : new int[] {10, 1500, 40_000}) {
                real.del("r");
                j.del("o");
                real.pfadd("r", elements("r" + size, 0, size));
                j.pfadd("o", elements("o" + size, 0, size));
                byte[] fromRedis = real.get("r".getBytes());
                byte[] fromJredis = j.get("o".getBytes());
                j.set("r".getBytes(), fromRedis);
                real.set("o".getBytes(), fromJredis);
                assertEquals(real.pfcount("r"), j.pfcount("r"));
                assertEquals(real.pfcount("o"), j.pfcount("o"));
                String[] more = elements("more", 0, 700);
                real.pfadd("r", more);
                j.pfadd("r", more);
                real.pfadd("o", more);
                j.pfadd("o", more);
                assertArrayEquals(real.get("r".getBytes()), j.get("r".getBytes()), "r " + size);
                assertArrayEquals(real.get("o".getBytes()), j.get("o".getBytes()), "o " + size);
            }
        }
    }

    /** A lower hll-sparse-max-bytes promotes to dense earlier, at exactly the same point as Redis. */
    @Test
    void sparseLimitFollowsTheDirective() throws Exception {
        try (RealRedis redis = RealRedis.start("--hll-sparse-max-bytes", "200");
                RawClient real = new RawClient("127.0.0.1", redis.port());
                RawClient ours = new RawClient(server.host(), server.port())) {
            ours.call("CONFIG", "SET", "hll-sparse-max-bytes", "200");
            try {
                List<String> mismatches = new ArrayList<>();
                for (int i = 0; i < 120; i++) {
                    byte[][] add = {"PFADD".getBytes(), "h".getBytes(), ("e" + i).getBytes()};
                    byte[][] get = {"GET".getBytes(), "h".getBytes()};
                    for (byte[][] cmd : List.of(add, get)) {
                        byte[] expected = real.callRaw(cmd);
                        byte[] actual = ours.callRaw(cmd);
                        if (!Arrays.equals(expected, actual)) {
                            mismatches.add(i + ": " + DifferentialRunner.show(expected) + " / "
                                    + DifferentialRunner.show(actual));
                        }
                    }
                }
                assertEquals("dense", RawClient.text(ours.call("PFDEBUG", "ENCODING", "h")));
                assertTrue(mismatches.isEmpty(), mismatches::toString);
            } finally {
                ours.call("CONFIG", "SET", "hll-sparse-max-bytes", "3000");
            }
        }
    }

    /** A dense value, cached cardinality invalid, whose register {@code i} is {@code regs[i]} (6 bits, LSB first). */
    private static byte[] dense(int[] regs) {
        byte[] v = new byte[16 + 12288];
        System.arraycopy(header(0, 0, 0, 0, 0, 0, 0, 0, 0x80), 0, v, 0, 16);
        for (int i = 0; i < regs.length; i++) {
            int bit = i * 6;
            int word = (v[16 + bit / 8] & 0xff) | (bit / 8 + 1 < 12288 ? (v[17 + bit / 8] & 0xff) << 8 : 0);
            word |= regs[i] << (bit % 8);
            v[16 + bit / 8] = (byte) word;
            if (bit / 8 + 1 < 12288) {
                v[17 + bit / 8] = (byte) (word >>> 8);
            }
        }
        return v;
    }

    /**
     * Registers for a random dense value: each zero with probability {@code zeros} in 10, else any value up to 63,
     * so that merges take the maximum from either side in every register position, the last ones included.
     */
    private static int[] randomRegisters(Random rnd, int zeros) {
        int[] regs = new int[16384];
        for (int i = 0; i < regs.length; i++) {
            regs[i] = rnd.nextInt(10) < zeros ? 0 : rnd.nextInt(rnd.nextBoolean() ? 64 : 12);
        }
        return regs;
    }

    /**
     * PFMERGE into a dense destination only its key holds raises its registers in place, eight at a time, and
     * multi-key PFCOUNT merges dense values eight registers at a time: over random dense values (registers 0 to 63
     * everywhere), sparse ones, COPYs of the destination, TTLs and PFADDs in between, the replies, values and TTLs
     * are redis-server's.
     */
    @Test
    void denseMergesAndCountsMatchRealRedis() throws Exception {
        try (RealRedis redis = RealRedis.start();
                RawClient real = new RawClient("127.0.0.1", redis.port());
                RawClient ours = new RawClient(server.host(), server.port())) {
            Random rnd = new Random(16);
            String[] keys = {"hd:a", "hd:b", "hd:c", "hd:s", "hd:m", "hd:copy"};
            List<String> mismatches = new ArrayList<>();
            List<byte[][]> setUp = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                setUp.add(new byte[][] {"SET".getBytes(), keys[k].getBytes(), dense(randomRegisters(rnd, 3 * k))});
            }
            setUp.add(new byte[][] {"PFADD".getBytes(), "hd:s".getBytes(), "x".getBytes(), "y".getBytes()});
            for (byte[][] cmd : setUp) {
                assertArrayEquals(real.callRaw(cmd), ours.callRaw(cmd));
            }
            for (int i = 0; i < 400 && mismatches.size() < 5; i++) {
                String key = keys[rnd.nextInt(keys.length)];
                List<byte[]> cmd = new ArrayList<>();
                int kind = rnd.nextInt(12);
                if (kind == 0) {
                    cmd.addAll(List.of("SET".getBytes(), key.getBytes(), dense(randomRegisters(rnd, rnd.nextInt(10)))));
                } else if (kind == 1) {
                    cmd.addAll(List.of("COPY".getBytes(), "hd:m".getBytes(), "hd:copy".getBytes(),
                            "REPLACE".getBytes()));
                } else if (kind == 2) {
                    cmd.addAll(List.of("PFADD".getBytes(), key.getBytes(), ("e" + i).getBytes()));
                } else if (kind == 3) {
                    cmd.addAll(List.of((rnd.nextBoolean() ? "EXPIRE" : "TTL").getBytes(), key.getBytes()));
                    if (new String(cmd.get(0)).equals("EXPIRE")) {
                        cmd.add("1000".getBytes());
                    }
                } else if (kind < 6) {
                    cmd.add("PFCOUNT".getBytes());
                    for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                        cmd.add(keys[rnd.nextInt(keys.length)].getBytes());
                    }
                } else if (kind < 8) {
                    cmd.addAll(List.of("GET".getBytes(), key.getBytes()));
                } else {
                    cmd.add("PFMERGE".getBytes());
                    cmd.add((rnd.nextBoolean() ? "hd:m" : key).getBytes());
                    for (int k = rnd.nextInt(4); k > 0; k--) {
                        cmd.add(keys[rnd.nextInt(keys.length)].getBytes());
                    }
                }
                byte[][] argv = cmd.toArray(new byte[0][]);
                byte[] expected = real.callRaw(argv);
                byte[] actual = ours.callRaw(argv);
                if (!Arrays.equals(expected, actual)) {
                    mismatches.add(i + " " + new String(argv[0]) + " " + new String(argv[1]) + "\n  redis:  "
                            + DifferentialRunner.show(expected) + "\n  jredis: " + DifferentialRunner.show(actual));
                }
                for (String k : List.of("hd:m", "hd:copy")) {
                    byte[][] get = {"GET".getBytes(), k.getBytes()};
                    if (!Arrays.equals(real.callRaw(get), ours.callRaw(get))) {
                        mismatches.add(i + " " + k + " after " + new String(argv[0]) + " " + new String(argv[1]));
                    }
                }
            }
            assertTrue(mismatches.isEmpty(), () -> String.join("\n", mismatches));
        }
    }

    /** Dense registers at 51 (a finite estimate) and at 63 (infinite, answered as LLONG_MIN) count as in Redis. */
    @Test
    void extremeRegisterValues() {
        byte[] all51 = new byte[16 + 12288];
        System.arraycopy(header(0, 0, 0, 0, 0, 0, 0, 0, 0x80), 0, all51, 0, 16);
        for (int i = 16; i < all51.length; i += 3) {
            all51[i] = 0x33;
            all51[i + 1] = (byte) 0xcf;
            all51[i + 2] = 0x0c;
        }
        j.set("h51".getBytes(), all51);
        assertEquals(377457, j.pfcount("h51"));
        byte[] all63 = all51.clone();
        Arrays.fill(all63, 16, all63.length, (byte) 0xff);
        j.set("h63".getBytes(), all63);
        assertEquals(Long.MIN_VALUE, j.pfcount("h63"));
        assertEquals(Long.MIN_VALUE, j.pfcount("h63", "missing"));
    }
}
