package io.jredis.persistence;

import static io.jredis.persistence.TestData.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.util.Crc64;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.commands.ProtocolCommand;

/**
 * DUMP payloads cross between jredis and redis-server 7.0.15 in both directions; where Redis's encoding is fully
 * determined by the value (no hash order) the payloads are byte-identical, LZF-compressed ones included; RESTORE's
 * options and errors reply exactly as Redis's.
 */
class DumpRestoreTest {
    @TempDir
    static Path dir;
    private static PersistentServer jredis;
    private static RealRedis redis;
    private static Jedis jj;
    private static Jedis rj;

    @BeforeAll
    static void start() throws Exception {
        RealRedis.assumeInstalled();
        jredis = PersistentServer.start(dir, "save", "", "enable-debug-command", "yes");
        redis = RealRedis.start("--enable-debug-command", "yes");
        jj = jredis.jedis();
        rj = new Jedis("127.0.0.1", redis.port(), 30_000);
    }

    @AfterAll
    static void stop() {
        if (jj != null) {
            jj.close();
            rj.close();
            jredis.close();
            redis.close();
        }
    }

    @BeforeEach
    void flush() {
        jj.flushAll();
        rj.flushAll();
    }

    @Test
    void payloadsAreByteIdenticalWhereTheEncodingIsDetermined() {
        for (Jedis j : List.of(jj, rj)) {
            j.set("s", "hello");
            j.set("i", "12345");
            j.set("n", "-1");
            j.set("big", "4294967296");
            j.set("x", "x".repeat(15));
            j.rpush("l", "a", "b", "1", "200", "-5", "70000", "x".repeat(300));
            j.zadd("z", 1, "a");
            j.zadd("z", 2.5, "b");
            j.zadd("z", -1e-5, "c");
            j.hset("h", "f", "v");
            j.hset("h", "n", "42");
            j.sadd("si", "1", "2", "3");
            j.sadd("si32", "1", "100000");
            j.sadd("si64", "1", "10000000000");
        }
        for (String k : List.of("s", "i", "n", "big", "x", "l", "z", "h", "si", "si32", "si64")) {
            assertArrayEquals(rj.dump(k), jj.dump(k), "DUMP " + k);
        }
        jj.configSet("rdbcompression", "no");
        rj.configSet("rdbcompression", "no");
        try {
            byte[] big = "abc".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
            jj.set(b("lzf"), big);
            rj.set(b("lzf"), big);
            assertArrayEquals(rj.dump("lzf"), jj.dump("lzf"), "DUMP of an uncompressed long string");
        } finally {
            jj.configSet("rdbcompression", "yes");
            rj.configSet("rdbcompression", "yes");
        }
    }

    /**
     * LZF as liblzf compresses: strings over 20 bytes and listpacks are stored compressed, so the compressor must
     * choose Redis's matches, not only produce a valid stream (runs, repeats reaching the very end, random text).
     */
    @Test
    void compressedPayloadsAreByteIdentical() {
        java.util.Random rnd = new java.util.Random(11);
        List<byte[]> values = new ArrayList<>();
        values.add("x".repeat(70).getBytes(StandardCharsets.US_ASCII));
        values.add("ab".repeat(19).getBytes(StandardCharsets.US_ASCII));
        values.add("abc".repeat(10_000).getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 300; i++) {
            int len = 21 + rnd.nextInt(i % 10 == 0 ? 20_000 : 400);
            int alphabet = 1 + rnd.nextInt(i % 3 == 0 ? 3 : 30);
            byte[] v = new byte[len];
            for (int k = 0; k < len; k++) {
                v[k] = (byte) ('a' + rnd.nextInt(alphabet));
            }
            values.add(v);
        }
        for (int i = 0; i < values.size(); i++) {
            byte[] key = b("s" + i);
            jj.set(key, values.get(i));
            rj.set(key, values.get(i));
            assertArrayEquals(rj.dump(key), jj.dump(key), "DUMP of a " + values.get(i).length + "-byte string");
        }
        for (Jedis j : List.of(jj, rj)) {
            j.rpush("l", "hello", "hello", "hello world", "x".repeat(60), "12", "12", "hello");
            j.hset("h", Map.of("field", "value value value value"));
        }
        assertArrayEquals(rj.dump("l"), jj.dump("l"), "DUMP of a compressed listpack");
        assertArrayEquals(rj.dump("h"), jj.dump("h"), "DUMP of a compressed hash listpack");
    }

    /**
     * The snapshot encoders reuse one listpack and one intset buffer per output: values of every size in a row.
     * Without compression, so that the buffers' bytes are compared as they are; the big list is cut by count, where it
     * has the same nodes as Redis's.
     */
    @Test
    void payloadsBuiltInReusedBuffersAreByteIdentical() {
        java.util.Random rnd = new java.util.Random(5);
        List<String> keys = new java.util.ArrayList<>();
        String[] items = new String[3000];
        for (int i = 0; i < items.length; i++) {
            items[i] = i % 3 == 0 ? Integer.toString(rnd.nextInt() >> rnd.nextInt(32)) : "item-" + "y".repeat(i % 90);
        }
        double[] scores = new double[200];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = switch (i % 5) {
                case 0 -> rnd.nextInt(100_000) / 10.0;
                case 1 -> rnd.nextInt();
                case 2 -> rnd.nextDouble() * 1e-3;
                case 3 -> rnd.nextDouble() * 1e22;
                default -> -rnd.nextDouble() * 1000;
            };
        }
        for (Jedis j : List.of(jj, rj)) {
            j.configSet("rdbcompression", "no");
            j.configSet("zset-max-listpack-entries", "1000");
            j.configSet("list-max-listpack-size", "7");
            j.rpush("biglist", items);
            j.rpush("small", "a", "b");
            for (int i = 0; i < 2000; i++) {
                j.rpush("nodes", "element-" + i);
            }
            for (int i = 0; i < scores.length; i++) {
                j.zadd("zs", scores[i], "m" + i);
            }
            j.zadd("zsmall", 3, "x");
            for (int i = 0; i < 60; i++) {
                j.hset("hz", "field-" + i, "value-value-value-" + (i % 4));
                j.sadd("is", Integer.toString(i * 1000));
            }
            j.hset("hsmall", "a", "1");
            j.sadd("is64", "1", "99999999999", "-5");
        }
        keys.addAll(List.of("biglist", "small", "zs", "zsmall", "hz", "hsmall", "is", "is64"));
        try {
            for (String k : keys) {
                assertArrayEquals(rj.dump(k), jj.dump(k), "DUMP " + k);
            }
        } finally {
            for (Jedis j : List.of(jj, rj)) {
                j.configSet("rdbcompression", "yes");
                j.configSet("list-max-listpack-size", "-2");
                j.configSet("zset-max-listpack-entries", "128");
            }
        }
    }

    @Test
    void redisPayloadsRestoreInJredisAndBack() {
        TestData.populate(rj);
        TestData.populate(jj);
        for (byte[] key : keys(rj)) {
            byte[] fromRedis = rj.dump(key);
            byte[] fromJredis = jj.dump(key);
            byte[] copy = Arrays.copyOf(key, key.length + 5);
            System.arraycopy(b(":copy"), 0, copy, key.length, 5);
            assertEquals("OK", jj.restore(copy, 0, fromRedis));
            assertEquals("OK", rj.restore(copy, 0, fromJredis));
            String expected = Datasets.describe(rj, key).replaceAll("\\|expire=.*", "");
            assertEquals(expected, Datasets.describe(jj, copy).replaceAll("\\|expire=.*", ""), Datasets.hex(key));
            assertEquals(expected, Datasets.describe(rj, copy).replaceAll("\\|expire=.*", ""), Datasets.hex(key));
            assertArrayEquals(rj.objectEncoding(key), jj.objectEncoding(copy), Datasets.hex(key));
            assertArrayEquals(rj.objectEncoding(key), rj.objectEncoding(copy), Datasets.hex(key));
        }
    }

    private static List<byte[]> keys(Jedis j) {
        return new ArrayList<>(j.keys(b("*")));
    }

    @Test
    void restoreOptionsAndErrorsReplyAsRedis() throws Exception {
        rj.set("src", "hello");
        byte[] payload = rj.dump("src");
        byte[] corrupt = payload.clone();
        corrupt[2] ^= 1;
        byte[] newer = payload.clone();
        newer[newer.length - 10] = 11;
        long crc = Crc64.update(0, newer, 0, newer.length - 8);
        for (int i = 0; i < 8; i++) {
            newer[newer.length - 8 + i] = (byte) (crc >>> (8 * i));
        }
        byte[] truncated = withFooter(new byte[] {0, 5, 'h', 'e'});
        byte[] unknownType = withFooter(new byte[] {42, 1, 'x'});
        byte[] emptySet = withFooter(new byte[] {2, 0});
        String future = Long.toString(System.currentTimeMillis() + 100_000);
        List<byte[][]> commands = List.of(
                cmd("RESTORE", "k", "0", payload),
                cmd("RESTORE", "k", "0", payload),
                cmd("GET", "k"),
                cmd("RESTORE", "k", "0", payload, "REPLACE"),
                cmd("RESTORE", "k2", "-1", payload),
                cmd("RESTORE", "k2", "abc", payload),
                cmd("RESTORE", "k2", "0", corrupt),
                cmd("RESTORE", "k2", "0", newer),
                cmd("RESTORE", "k2", "0", b("short")),
                cmd("RESTORE", "k2", "0", truncated),
                cmd("RESTORE", "k2", "0", unknownType),
                cmd("RESTORE", "k2", "0", emptySet),
                // A quicklist node of length 0 (plain or packed) is refused.
                cmd("RESTORE", "kq", "0", withFooter(new byte[] {18, 1, 1, 0})),
                cmd("RESTORE", "kq", "0", withFooter(new byte[] {18, 1, 2, 0})),
                cmd("RESTORE", "kq", "0", withFooter(new byte[] {14, 1, 0})),
                cmd("RESTORE", "k2", "0", payload, "IDLETIME", "-1"),
                cmd("RESTORE", "k2", "0", payload, "IDLETIME", "x"),
                cmd("RESTORE", "k2", "0", payload, "FREQ", "256"),
                cmd("RESTORE", "k2", "0", payload, "FREQ", "5", "IDLETIME", "5"),
                cmd("RESTORE", "k2", "0", payload, "IDLETIME"),
                cmd("RESTORE", "k2", "0", payload, "BOGUS"),
                cmd("RESTORE", "k6", "0", payload, "IDLETIME", "1000"),
                cmd("OBJECT", "IDLETIME", "k6"),
                cmd("RESTORE", "k3", future, payload, "ABSTTL"),
                cmd("PEXPIRETIME", "k3"),
                cmd("RESTORE", "k3", "1", payload, "ABSTTL", "REPLACE"),
                cmd("EXISTS", "k3"),
                cmd("RESTORE", "k4", "100000", payload),
                cmd("TTL", "k4"),
                cmd("RESTORE", "k4", "0", payload, "FREQ", "10", "REPLACE"),
                cmd("TTL", "k4"),
                // Under an LFU policy FREQ sets the key's counter and IDLETIME is ignored; under LRU the reverse.
                cmd("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"),
                cmd("RESTORE", "k7", "0", payload, "FREQ", "100"),
                cmd("OBJECT", "FREQ", "k7"),
                cmd("RESTORE", "k8", "0", payload, "IDLETIME", "1000"),
                cmd("OBJECT", "FREQ", "k8"),
                cmd("CONFIG", "SET", "maxmemory-policy", "noeviction"),
                cmd("RESTORE", "k9", "0", payload, "FREQ", "100"),
                cmd("OBJECT", "IDLETIME", "k9"),
                cmd("DUMP", "nokey"),
                cmd("DUMP"),
                cmd("RESTORE", "k5", "0"));
        try (RawClient a = new RawClient("127.0.0.1", jredis.port());
                RawClient r = new RawClient("127.0.0.1", redis.port())) {
            for (byte[][] c : commands) {
                String name = new String(c[0], StandardCharsets.US_ASCII) + " " + new String(c[1 % c.length],
                        StandardCharsets.US_ASCII) + (c.length > 4 ? " " + new String(c[4], StandardCharsets.US_ASCII)
                        : "");
                assertEquals(new String(r.callRaw(c), StandardCharsets.ISO_8859_1),
                        new String(a.callRaw(c), StandardCharsets.ISO_8859_1), name);
            }
        }
        assertTrue(jj.objectIdletime("k6") >= 1000);
    }

    /**
     * A listpack hash or zset converts on load (RESTORE, DEBUG RELOAD) only when it has too many entries: Redis's
     * loader does not scan the lengths there, so a value longer than the limit set since stays packed. A hashtable
     * or skiplist is checked entry by entry and loads packed when everything fits; a skiplist's score of -0 reads 0
     * once packed and stays -0 otherwise.
     */
    @Test
    void packedHashesAndZsetsLoadPackedWhateverTheirLengths() throws Exception {
        String tenBytes = "x".repeat(10);
        rj.hset("src:h", "f", tenBytes);
        rj.zadd("src:z", 1, tenBytes);
        byte[] hash = rj.dump("src:h");
        byte[] zset = rj.dump("src:z");
        List<byte[][]> commands = List.of(
                cmd("HSET", "h", "f", tenBytes, "g", "1"),
                cmd("ZADD", "z", "1", tenBytes, "2", "b"),
                cmd("CONFIG", "SET", "hash-max-listpack-entries", "1"),
                cmd("CONFIG", "SET", "zset-max-listpack-entries", "1"),
                cmd("HSET", "ht", "a", "1", "b", "2"),
                cmd("ZADD", "zt", "1", "a", "-0", "b"),
                cmd("HSET", "htlong", "a", tenBytes, "b", "2"),
                cmd("ZADD", "ztlong", "-1", tenBytes, "-0", "b"),
                cmd("ZRANGE", "ztlong", "0", "-1", "WITHSCORES"),
                cmd("CONFIG", "SET", "hash-max-listpack-entries", "128"),
                cmd("CONFIG", "SET", "zset-max-listpack-entries", "128"),
                cmd("CONFIG", "SET", "hash-max-ziplist-value", "3"),
                cmd("CONFIG", "SET", "zset-max-ziplist-value", "3"),
                cmd("RESTORE", "h2", "0", hash),
                cmd("OBJECT", "ENCODING", "h2"),
                cmd("RESTORE", "z2", "0", zset),
                cmd("OBJECT", "ENCODING", "z2"),
                cmd("ZADD", "z2", "2", "b"),
                cmd("OBJECT", "ENCODING", "z2"),
                cmd("DEBUG", "RELOAD"),
                cmd("OBJECT", "ENCODING", "h"),
                cmd("OBJECT", "ENCODING", "z"),
                cmd("OBJECT", "ENCODING", "ht"),
                cmd("OBJECT", "ENCODING", "zt"),
                cmd("OBJECT", "ENCODING", "htlong"),
                cmd("OBJECT", "ENCODING", "ztlong"),
                cmd("HSET", "h", "g", "2"),
                cmd("OBJECT", "ENCODING", "h"),
                cmd("HGETALL", "h"),
                cmd("ZRANGE", "z", "0", "-1", "WITHSCORES"),
                cmd("ZRANGE", "zt", "0", "-1", "WITHSCORES"),
                cmd("ZRANGE", "ztlong", "0", "-1", "WITHSCORES"),
                cmd("DUMP", "h"),
                cmd("DUMP", "z"));
        try (RawClient a = new RawClient("127.0.0.1", jredis.port());
                RawClient r = new RawClient("127.0.0.1", redis.port())) {
            for (byte[][] c : commands) {
                String name = new String(c[0], StandardCharsets.US_ASCII) + " " + new String(c[c.length - 1],
                        StandardCharsets.ISO_8859_1);
                assertEquals(new String(r.callRaw(c), StandardCharsets.ISO_8859_1),
                        new String(a.callRaw(c), StandardCharsets.ISO_8859_1), name);
            }
        } finally {
            for (Jedis j : List.of(rj, jj)) {
                j.configSet("hash-max-listpack-value", "64");
                j.configSet("zset-max-listpack-value", "64");
            }
        }
    }

    /**
     * DEBUG SET-SKIP-CHECKSUM-VALIDATION 1 lets RESTORE take a payload whatever its CRC (not its RDB version), and
     * damaged values under it are still refused with Redis's "Bad data format", the server serving on.
     */
    @Test
    void skippedChecksumsStillRejectDamagedValues() throws Exception {
        rj.set("src", "hello");
        byte[] payload = rj.dump("src");
        byte[] badCrc = payload.clone();
        badCrc[badCrc.length - 1] ^= 1;
        byte[] badVersion = badCrc.clone();
        badVersion[badVersion.length - 10] = 11;
        rj.hset("h", "f", "v");
        byte[] hash = rj.dump("h");
        byte[] badEntry = hash.clone();
        badEntry[badEntry.length - 13] ^= 0x40;
        byte[] shortList = withFooter(new byte[] {18, 1, 2, 0x1b});
        List<byte[][]> commands = List.of(
                cmd("RESTORE", "k1", "0", badCrc),
                cmd("DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "1"),
                cmd("RESTORE", "k1", "0", badCrc),
                cmd("GET", "k1"),
                cmd("RESTORE", "k2", "0", badVersion),
                cmd("RESTORE", "k3", "0", badEntry),
                cmd("RESTORE", "k4", "0", shortList),
                cmd("RESTORE", "k5", "0", withFooter(new byte[] {13, 0x1b, 0x25, 0, 0, 0, 0x16})),
                cmd("PING"),
                cmd("DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "0"),
                cmd("RESTORE", "k6", "0", badCrc));
        try (RawClient a = new RawClient("127.0.0.1", jredis.port());
                RawClient r = new RawClient("127.0.0.1", redis.port())) {
            for (byte[][] c : commands) {
                assertEquals(new String(r.callRaw(c), StandardCharsets.ISO_8859_1),
                        new String(a.callRaw(c), StandardCharsets.ISO_8859_1), new String(c[c.length - 1],
                        StandardCharsets.ISO_8859_1));
            }
        } finally {
            for (int port : new int[] {redis.port(), jredis.port()}) {
                try (RawClient c = new RawClient("127.0.0.1", port)) {
                    c.callRaw(cmd("DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "0"));
                }
            }
        }
    }

    /**
     * A refused payload's reason is logged at verbose level with the check Redis names ("Hash listpack integrity
     * check failed"); a stream entry whose lp-count is wrong is taken, unless sanitize-dump-payload asks for Redis's
     * deep validation, which refuses it.
     */
    @Test
    void refusedPayloadsLogTheFailedIntegrityCheck() throws Exception {
        byte[] listpack = {13, 0, 0, 0, 2, 0, (byte) 0x81, 'f', 2, (byte) 0x81, 'v', 2, (byte) 0xfe};
        byte[] badTerminator = new byte[listpack.length + 2];
        badTerminator[0] = 16;
        badTerminator[1] = (byte) listpack.length;
        System.arraycopy(listpack, 0, badTerminator, 2, listpack.length);
        rj.configSet("rdbcompression", "no");
        rj.xadd("s", StreamEntryID.NEW_ENTRY, Map.of("f", "v"));
        byte[] stream = rj.dump("s");
        rj.configSet("rdbcompression", "yes");
        byte[] lpCount = {(byte) 0x81, 'v', 2, 4, 1, (byte) 0xff};
        int at = indexOf(stream, lpCount);
        byte[] badLpCount = Arrays.copyOf(stream, stream.length - 10);
        badLpCount[at + 3] = 5;
        jj.configSet("loglevel", "verbose");
        try (RawClient a = new RawClient("127.0.0.1", jredis.port());
                RawClient r = new RawClient("127.0.0.1", redis.port())) {
            // Without deep sanitization Redis does not read the lp-count: the stream is taken.
            byte[][] lax = cmd("RESTORE", "lax", "0", withFooter(badLpCount));
            assertEquals("+OK\r\n", new String(r.callRaw(lax), StandardCharsets.ISO_8859_1));
            assertEquals("+OK\r\n", new String(a.callRaw(lax), StandardCharsets.ISO_8859_1));
            rj.configSet("sanitize-dump-payload", "yes");
            jj.configSet("sanitize-dump-payload", "yes");
            for (byte[] payload : List.of(withFooter(badTerminator), withFooter(badLpCount))) {
                byte[][] c = cmd("RESTORE", "k", "0", payload);
                assertEquals("-ERR Bad data format\r\n", new String(r.callRaw(c), StandardCharsets.ISO_8859_1));
                assertEquals("-ERR Bad data format\r\n", new String(a.callRaw(c), StandardCharsets.ISO_8859_1));
            }
            String log = jredis.log();
            assertTrue(log.contains("Hash listpack integrity check failed"), log);
            assertTrue(log.contains("Stream listpack integrity check failed"), log);
        } finally {
            rj.configSet("sanitize-dump-payload", "no");
            jj.configSet("sanitize-dump-payload", "no");
            jj.configSet("loglevel", "notice");
        }
    }

    /**
     * Checks Redis's ziplist and zipmap validation makes whatever sanitize-dump-payload says (they are converted on
     * load): a ziplist's tail offset must point at its last entry, and a zipmap must hold as many pairs as its count
     * byte says, at least one.
     */
    @Test
    void ziplistTailAndZipmapCountAreChecked() throws Exception {
        byte[] good = {12, 16, 16, 0, 0, 0, 13, 0, 0, 0, 2, 0, 0, 1, 'a', 3, (byte) 0xf2, (byte) 0xff};
        byte[] badTail = good.clone();
        badTail[6] = 10;
        byte[] emptyZipmap = {9, 2, 0, (byte) 0xff};
        byte[] zipmapCount = {9, 7, 2, 1, 'f', 1, 0, 'v', (byte) 0xff};
        byte[] zipmapOk = zipmapCount.clone();
        zipmapOk[2] = 1;
        jj.configSet("loglevel", "verbose");
        try (RawClient a = new RawClient("127.0.0.1", jredis.port());
                RawClient r = new RawClient("127.0.0.1", redis.port())) {
            for (byte[] body : List.of(good, badTail, emptyZipmap, zipmapCount, zipmapOk)) {
                byte[][] c = cmd("RESTORE", "k", "0", withFooter(body), "REPLACE");
                assertEquals(new String(r.callRaw(c), StandardCharsets.ISO_8859_1),
                        new String(a.callRaw(c), StandardCharsets.ISO_8859_1), Arrays.toString(body));
            }
            assertEquals(Map.of("f", "v"), jj.hgetAll("k"));
            String log = jredis.log();
            assertTrue(log.contains("Zset ziplist integrity check failed"), log);
            assertTrue(log.contains("Zipmap integrity check failed"), log);
        } finally {
            jj.configSet("loglevel", "notice");
        }
    }

    /**
     * DEBUG OBJECT's serializedlength is the RDB writer's length of the value, compression included, for every type
     * (it was a string's uncompressed length, and 0 for the others); its lru is Redis's 24-bit field, LFU data under
     * an LFU policy (it read that as milliseconds); a list has Redis's quicklist details (it had none). The address is
     * the process's, the LRU clock compared apart.
     */
    @Test
    void debugObjectMeasuresTheValueAsRedis() {
        for (Jedis j : List.of(jj, rj)) {
            j.set("int", "12345");
            j.set("compressed", "ab".repeat(2000));
            j.set("incompressible", "0123456789".repeat(3));
            for (int i = 0; i < 300; i++) {
                j.rpush("list", "item" + i);
                j.hset("hash", "field" + i, "value" + i);
                j.sadd("set", "member" + i);
                j.zadd("zset", i / 3.0, "m" + i);
            }
            j.rpush("small", "a", "b");
            for (int i = 0; i < 2000; i++) {
                j.rpush("nodes", "element-" + i);
            }
            j.hset("smallhash", "f", "v");
            j.sadd("intset", "1", "2", "70000");
            j.zadd("smallzset", 1, "a");
            for (int i = 1; i <= 20; i++) {
                j.xadd("stream", new StreamEntryID(i, 0), Map.of("f", "v" + i));
            }
            j.xgroupCreate("stream", "g", new StreamEntryID(0, 0), false);
        }
        List<List<String>> sides = new ArrayList<>();
        for (Jedis j : List.of(rj, jj)) {
            List<String> out = new ArrayList<>();
            for (String key : List.of("int", "compressed", "incompressible", "list", "nodes", "hash", "set", "zset",
                    "small",
                    "smallhash", "intset", "smallzset", "stream")) {
                String described = debugObject(j, key);
                out.add(key + " " + described.replaceAll("^Value at:0x[0-9a-f]+ ", "")
                        .replaceAll(" lru:\\d+ lru_seconds_idle:\\d+", ""));
            }
            sides.add(out);
        }
        assertEquals(sides.get(0), sides.get(1));
        assertTrue(sides.get(1).contains("compressed refcount:1 encoding:raw serializedlength:59"), sides.toString());
        try {
            long[] fields = new long[2];
            for (int side = 0; side < 2; side++) {
                Jedis j = side == 0 ? rj : jj;
                j.configSet("maxmemory-policy", "allkeys-lfu");
                j.set("fresh", "v");
                String described = debugObject(j, "fresh");
                fields[side] = Long.parseLong(described.replaceAll(".* lru:(\\d+) .*", "$1"));
            }
            // Minutes since the epoch in the upper 16 bits (equal unless a minute turned in between), counter 5.
            assertEquals(5, fields[1] & 0xFF);
            assertEquals(fields[0] & 0xFF, fields[1] & 0xFF);
            assertTrue(Math.abs((fields[0] >> 8) - (fields[1] >> 8)) <= 1, Arrays.toString(fields));
        } finally {
            rj.configSet("maxmemory-policy", "noeviction");
            jj.configSet("maxmemory-policy", "noeviction");
        }
    }

    private static String debugObject(Jedis j, String key) {
        ProtocolCommand debug = () -> b("DEBUG");
        return new String((byte[]) j.sendCommand(debug, "OBJECT", key), StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        for (int i = 0; i <= hay.length - needle.length; i++) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("pattern not in the payload");
    }

    private static byte[] withFooter(byte[] body) {
        byte[] p = Arrays.copyOf(body, body.length + 10);
        p[body.length] = 10;
        long crc = Crc64.update(0, p, 0, body.length + 2);
        for (int i = 0; i < 8; i++) {
            p[body.length + 2 + i] = (byte) (crc >>> (8 * i));
        }
        return p;
    }

    private static byte[][] cmd(Object... parts) {
        byte[][] out = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            out[i] = parts[i] instanceof byte[] bytes ? bytes : b((String) parts[i]);
        }
        return out;
    }
}
