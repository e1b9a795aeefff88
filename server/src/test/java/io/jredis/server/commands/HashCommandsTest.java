package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.SharedServerTest;
import io.jredis.server.testing.TestServer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

/** Hash commands through Jedis: replies, errors, encodings (inspected on the engine) and propagation. */
class HashCommandsTest extends SharedServerTest {
    private String raw(Protocol.Command cmd, String... args) {
        Object r = j.sendCommand(cmd, args);
        return r == null ? null : SafeEncoder.encode((byte[]) r);
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object reply) {
        List<String> out = new ArrayList<>();
        for (byte[] b : (List<byte[]>) reply) {
            out.add(SafeEncoder.encode(b));
        }
        return out;
    }

    @Test
    void setGetAndReadCommands() {
        assertEquals(2L, j.sendCommand(Protocol.Command.HSET, "h1", "a", "1", "b", "2"));
        assertEquals(0, j.hset("h1", "a", "one"));
        assertEquals("OK", j.hmset("h1", Map.of("c", "3")));
        assertEquals(1, j.hsetnx("h1", "d", "4"));
        assertEquals(0, j.hsetnx("h1", "d", "x"));
        assertEquals("one", j.hget("h1", "a"));
        assertNull(j.hget("h1", "zz"));
        assertNull(j.hget("nokey", "a"));
        assertEquals(List.of("one", "4"), j.hmget("h1", "a", "d"));
        assertEquals(Arrays.asList("one", null), j.hmget("h1", "a", "zz"));
        assertEquals(4, j.hlen("h1"));
        assertEquals(0, j.hlen("nokey"));
        assertEquals(3, j.hstrlen("h1", "a"));
        assertEquals(0, j.hstrlen("h1", "zz"));
        assertTrue(j.hexists("h1", "a"));
        assertFalse(j.hexists("h1", "zz"));
        assertEquals(Set.of("a", "b", "c", "d"), j.hkeys("h1"));
        assertEquals(List.of("one", "2", "3", "4"), j.hvals("h1"));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("a", "one");
        expected.put("b", "2");
        expected.put("c", "3");
        expected.put("d", "4");
        assertEquals(expected, j.hgetAll("h1"));
        assertEquals(List.of("a", "one", "b", "2", "c", "3", "d", "4"),
                strings(j.sendCommand(Protocol.Command.HGETALL, "h1")));
        assertEquals(Map.of(), j.hgetAll("nokey"));
    }

    @Test
    void listpackKeepsInsertionOrderAcrossUpdatesAndDeletes() {
        j.hset("ord", Map.of("a", "1"));
        j.hset("ord", "b", "2");
        j.hset("ord", "c", "3");
        j.hset("ord", "a", "longer value than before");
        j.hdel("ord", "b");
        j.hset("ord", "b", "again");
        assertEquals(List.of("a", "c", "b"), strings(j.sendCommand(Protocol.Command.HKEYS, "ord")));
        assertEquals(List.of("longer value than before", "3", "again"), j.hvals("ord"));
    }

    @Test
    void deletingTheLastFieldDeletesTheKey() throws Exception {
        j.hset("del", Map.of("a", "1", "b", "2"));
        assertEquals(0, j.hdel("del", "zz"));
        assertEquals(2, j.hdel("del", "a", "b", "a"));
        assertNull(server.encoding("del"));
        assertEquals(0, j.hdel("del", "a"));
        assertTrue(propagated.stream().anyMatch(p -> p.startsWith("HDEL ") || p.startsWith("hdel ")));
        int before = propagated.size();
        j.hdel("del", "a");
        assertEquals(before, propagated.size(), "a no-op HDEL is not propagated");
    }

    @Test
    void incrementsAndTheirErrors() {
        assertEquals(5, j.hincrBy("n", "i", 5));
        assertEquals(-5, j.hincrBy("n", "i", -10));
        j.hset("n", "max", Long.toString(Long.MAX_VALUE));
        JedisDataException e = assertThrows(JedisDataException.class, () -> j.hincrBy("n", "max", 1));
        assertEquals("ERR increment or decrement would overflow", e.getMessage());
        j.hset("n", "s", "abc");
        e = assertThrows(JedisDataException.class, () -> j.hincrBy("n", "s", 1));
        assertEquals("ERR hash value is not an integer", e.getMessage());
        e = assertThrows(JedisDataException.class, () -> raw(Protocol.Command.HINCRBY, "n", "i", "1.0"));
        assertEquals("ERR value is not an integer or out of range", e.getMessage());

        assertEquals("1.5", raw(Protocol.Command.HINCRBYFLOAT, "f", "x", "1.5"));
        assertEquals("1.6", raw(Protocol.Command.HINCRBYFLOAT, "f", "x", "0.1"));
        assertEquals("10000000001.59999999962747097", raw(Protocol.Command.HINCRBYFLOAT, "f", "x", "1e10"));
        assertEquals("1.5", raw(Protocol.Command.HINCRBYFLOAT, "f", "y", "0x1.8p0"));
        e = assertThrows(JedisDataException.class, () -> raw(Protocol.Command.HINCRBYFLOAT, "f", "x", "inf"));
        assertEquals("ERR value is NaN or Infinity", e.getMessage());
        e = assertThrows(JedisDataException.class, () -> raw(Protocol.Command.HINCRBYFLOAT, "f", "x", "nan"));
        assertEquals("ERR value is not a valid float", e.getMessage());
        e = assertThrows(JedisDataException.class, () -> raw(Protocol.Command.HINCRBYFLOAT, "n", "s", "1"));
        assertEquals("ERR hash value is not a float", e.getMessage());
        j.hset("f", "inf", "inf");
        e = assertThrows(JedisDataException.class, () -> raw(Protocol.Command.HINCRBYFLOAT, "f", "inf", "1"));
        assertEquals("ERR increment would produce NaN or Infinity", e.getMessage());
    }

    @Test
    void hincrbyfloatPropagatesAsHsetWithTheResult() {
        j.hset("pf", "x", "1.5");
        propagated.clear();
        raw(Protocol.Command.HINCRBYFLOAT, "pf", "x", "0.1");
        assertEquals(List.of("HSET pf x 1.6"), new ArrayList<>(propagated));
        propagated.clear();
        j.hset("pf", "y", "1");
        assertEquals(List.of("HSET pf y 1"), new ArrayList<>(propagated));
    }

    @Test
    void encodingFollowsEntryCountAndLengths() throws Exception {
        Map<String, String> fields = new HashMap<>();
        for (int i = 0; i < 512; i++) {
            fields.put("f" + i, "v" + i);
        }
        j.hset("big", fields);
        assertEquals("listpack", server.encoding("big"));
        j.hset("big", "f0", "updated");
        assertEquals("listpack", server.encoding("big"), "updates do not grow the hash");
        j.hset("big", "one-more", "x");
        assertEquals("hashtable", server.encoding("big"));
        for (int i = 0; i < 500; i++) {
            j.hdel("big", "f" + i);
        }
        assertEquals("hashtable", server.encoding("big"), "never converts back");
        assertEquals(13, j.hlen("big"));

        String v64 = "x".repeat(64);
        j.hset("len", "f", v64);
        assertEquals("listpack", server.encoding("len"));
        j.hset("len", "g", v64 + "y");
        assertEquals("hashtable", server.encoding("len"));
        assertEquals(v64 + "y", j.hget("len", "g"));
        assertEquals(v64, j.hget("len", "f"));

        j.hset("flen", v64 + "y", "v");
        assertEquals("hashtable", server.encoding("flen"));

        j.hincrBy("incr", "f".repeat(65), 1);
        assertEquals("hashtable", server.encoding("incr"));
        raw(Protocol.Command.HINCRBYFLOAT, "incrf", "x", "1e70");
        assertEquals("hashtable", server.encoding("incrf"));

        j.hset("nx", "a", "1");
        assertEquals(0, j.hsetnx("nx", "a", v64 + "y"));
        assertEquals("listpack", server.encoding("nx"), "HSETNX on an existing field converts nothing");
        assertEquals(1, j.hsetnx("nx", "b", v64 + "y"));
        assertEquals("hashtable", server.encoding("nx"));
    }

    @Test
    void thresholdsComeFromTheConfigAndItsAliases() throws Exception {
        try (TestServer s = TestServer.start("hash-max-ziplist-entries", "2", "hash-max-listpack-value", "4");
                Jedis k = new Jedis(s.host(), s.port())) {
            k.hset("h", "a", "1");
            k.hset("h", "b", "2");
            assertEquals("listpack", s.encoding("h"));
            k.hset("h", "c", "3");
            assertEquals("hashtable", s.encoding("h"));
            k.hset("v", "a", "1234");
            assertEquals("listpack", s.encoding("v"));
            k.hset("v", "a", "12345");
            assertEquals("hashtable", s.encoding("v"));
        }
        try (TestServer s = TestServer.start("hash-max-listpack-entries", "0");
                Jedis k = new Jedis(s.host(), s.port())) {
            k.hset("h", "a", "1");
            assertEquals("hashtable", s.encoding("h"));
        }
    }

    @Test
    void hrandfieldOnBothEncodings() throws Exception {
        Map<String, String> small = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            small.put("f" + i, "v" + i);
        }
        Map<String, String> large = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            large.put("f" + i, "v" + i);
        }
        j.hset("rs", small);
        j.hset("rl", large);
        assertEquals("listpack", server.encoding("rs"));
        assertEquals("hashtable", server.encoding("rl"));
        for (var entry : Map.of("rs", small, "rl", large).entrySet()) {
            String key = entry.getKey();
            Map<String, String> all = entry.getValue();
            assertTrue(all.containsKey(j.hrandfield(key)));
            for (int count : new int[] {1, 3, 9, all.size() - 1}) {
                List<String> picks = j.hrandfield(key, count);
                assertEquals(count, picks.size());
                assertEquals(count, new HashSet<>(picks).size(), "positive counts give distinct fields");
                assertTrue(all.keySet().containsAll(picks));
            }
            assertEquals(all.keySet(), new HashSet<>(j.hrandfield(key, all.size() + 5)));
            List<String> repeated = j.hrandfield(key, -3 * all.size());
            assertEquals(3 * all.size(), repeated.size());
            assertTrue(all.keySet().containsAll(repeated));
            for (var pair : j.hrandfieldWithValues(key, -20)) {
                assertEquals(all.get(pair.getKey()), pair.getValue());
            }
            List<Map.Entry<String, String>> pairs = j.hrandfieldWithValues(key, 5);
            assertEquals(5, pairs.size());
            for (var pair : pairs) {
                assertEquals(all.get(pair.getKey()), pair.getValue());
            }
        }
        assertTrue(j.hrandfield("nokey", 3).isEmpty());
        assertNull(j.hrandfield("nokey"));
    }

    @Test
    void hscanOfAHashtableReturnsEveryFieldOnceAcrossGrowth() throws Exception {
        Map<String, String> all = new HashMap<>();
        for (int i = 0; i < 2000; i++) {
            all.put("k" + i, "v" + i);
        }
        j.hset("scan", all);
        assertEquals("hashtable", server.encoding("scan"));
        Map<String, String> seen = new HashMap<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        int calls = 0;
        int added = 0;
        do {
            ScanResult<Map.Entry<String, String>> r = j.hscan("scan", cursor, new ScanParams().count(20));
            for (Map.Entry<String, String> e : r.getResult()) {
                seen.put(e.getKey(), e.getValue());
            }
            cursor = r.getCursor();
            if (calls++ % 5 == 0 && added < 3000) {
                Map<String, String> more = new HashMap<>();
                for (int i = 0; i < 300; i++, added++) {
                    more.put("new" + added, "x");
                }
                j.hset("scan", more); // grows the table mid-scan
            }
        } while (!cursor.equals("0"));
        for (Map.Entry<String, String> e : all.entrySet()) {
            assertEquals(e.getValue(), seen.get(e.getKey()), e.getKey());
        }
        assertTrue(calls > 10, "a hashtable scan takes several calls");

        Set<String> matched = new HashSet<>();
        cursor = "0";
        do {
            ScanResult<Map.Entry<String, String>> r = j.hscan("scan", cursor, new ScanParams().match("k1??").count(50));
            r.getResult().forEach(e -> matched.add(e.getKey()));
            cursor = r.getCursor();
        } while (!cursor.equals("0"));
        assertEquals(100, matched.size());
        assertTrue(matched.stream().allMatch(k -> k.matches("k1\\d\\d")));

        ScanResult<Map.Entry<String, String>> whole = j.hscan("h1small", "0");
        assertEquals("0", whole.getCursor());
        j.hset("h1small", Map.of("a", "1", "b", "2", "c", "3"));
        whole = j.hscan("h1small", "0", new ScanParams().count(1));
        assertEquals("0", whole.getCursor());
        assertEquals(3, whole.getResult().size(), "a listpack comes back whole whatever COUNT says");
    }

    @Test
    void wrongTypeAndSyntaxErrors() {
        j.set("str", "v");
        for (Runnable r : List.<Runnable>of(() -> j.hset("str", "a", "b"), () -> j.hget("str", "a"),
                () -> j.hgetAll("str"), () -> j.hdel("str", "a"), () -> j.hlen("str"), () -> j.hincrBy("str", "a", 1),
                () -> j.hrandfield("str"), () -> j.hscan("str", "0"), () -> j.hkeys("str"), () -> j.hvals("str"))) {
            JedisDataException e = assertThrows(JedisDataException.class, r::run);
            assertEquals("WRONGTYPE Operation against a key holding the wrong kind of value", e.getMessage());
        }
        JedisDataException e = assertThrows(JedisDataException.class,
                () -> j.sendCommand(Protocol.Command.HSET, "h", "a", "b", "c"));
        assertEquals("ERR wrong number of arguments for 'hset' command", e.getMessage());
        e = assertThrows(JedisDataException.class, () -> j.sendCommand(Protocol.Command.HMSET, "h", "a"));
        assertEquals("ERR wrong number of arguments for 'hmset' command", e.getMessage());
        // An existing hash: HSCAN of a missing key replies an empty scan before reading its options, as Redis.
        j.hset("hs", "a", "1");
        e = assertThrows(JedisDataException.class, () -> j.sendCommand(Protocol.Command.HSCAN, "hs", "0", "COUNT", "0"));
        assertEquals("ERR syntax error", e.getMessage());
        e = assertThrows(JedisDataException.class, () -> j.sendCommand(Protocol.Command.HSCAN, "hs", "zz"));
        assertEquals("ERR invalid cursor", e.getMessage());
        e = assertThrows(JedisDataException.class,
                () -> j.sendCommand(Protocol.Command.HRANDFIELD, "hs", "1", "WITHVALUE"));
        assertEquals("ERR syntax error", e.getMessage());
        e = assertThrows(JedisDataException.class,
                () -> j.sendCommand(Protocol.Command.HRANDFIELD, "hs", "4611686018427387904", "WITHVALUES"));
        assertEquals("ERR value is out of range", e.getMessage());
    }
}
