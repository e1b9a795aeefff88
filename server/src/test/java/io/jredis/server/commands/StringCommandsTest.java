package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.db.Dict;
import io.jredis.server.testing.DifferentialRunner;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.SharedServerTest;
import io.jredis.server.testing.TestServer;
import io.jredis.server.util.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.GetExParams;
import redis.clients.jedis.params.LCSParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.LCSMatchResult;

class StringCommandsTest extends SharedServerTest {
    private Object raw(String... args) {
        Protocol.Command cmd = Protocol.Command.valueOf(args[0].toUpperCase());
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        Object r = j.sendCommand(cmd, rest);
        return r instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : r;
    }

    private String error(String... args) {
        return assertThrows(JedisDataException.class, () -> raw(args)).getMessage();
    }

    /** Expiry of a key in unix ms (-1 none, -2 absent), read on the engine thread. */
    private static long expireAt(String key) throws Exception {
        return server.server().onEngine(() -> {
            Dict.Entry e = server.server().engine().database(0).entry(Bytes.of(key));
            return e == null ? -2L : e.expireAt;
        });
    }

    private static long dirty() throws Exception {
        return server.server().onEngine(() -> server.server().engine().dirtyCount());
    }

    /** Stores a value of another type under {@code key}. */
    private void storeList(String key) {
        j.rpush(key, "element");
    }

    /** A SET with a TTL over a key that has one replaces it; a SET without one drops it (one expires entry each). */
    @Test
    void setReplacesOrDropsAnExistingTtl() {
        assertEquals("OK", j.set("ttl:k", "v", SetParams.setParams().ex(100)));
        assertEquals("OK", j.set("ttl:k", "w", SetParams.setParams().px(1_000_000)));
        long pttl = j.pttl("ttl:k");
        assertTrue(pttl > 900_000 && pttl <= 1_000_000, "PTTL " + pttl);
        assertEquals("OK", j.set("ttl:k", "x", SetParams.setParams().exAt(System.currentTimeMillis() / 1000 + 50)));
        long ttl = j.ttl("ttl:k");
        assertTrue(ttl > 40 && ttl <= 50, "TTL " + ttl);
        assertEquals("OK", j.set("ttl:k", "y"));
        assertEquals(-1, j.ttl("ttl:k"));
        assertEquals("OK", j.set("ttl:k", "z", SetParams.setParams().ex(100)));
        assertEquals("OK", j.set("ttl:k", "z", SetParams.setParams().ex(200)));
        assertTrue(j.info("keyspace").contains("expires=1,"), j.info("keyspace"));
        assertEquals(1, j.del("ttl:k"));
        assertFalse(j.info("keyspace").contains("expires=1,"), j.info("keyspace"));
    }

    @Test
    void setConditionsAndGet() {
        assertEquals("OK", j.set("k", "v1"));
        assertEquals("v1", j.get("k"));
        assertNull(j.set("k", "v2", SetParams.setParams().nx()));
        assertEquals("OK", j.set("k", "v2", SetParams.setParams().xx()));
        assertNull(j.set("missing", "v", SetParams.setParams().xx()));
        assertNull(j.get("missing"));
        assertEquals("v2", j.setGet("k", "v3"));
        assertNull(j.setGet("new", "n1"));
        assertEquals("n1", j.get("new"));
        assertEquals("v3", j.setGet("k", "v4", SetParams.setParams().nx()));
        assertEquals("v3", j.get("k"));
        assertNull(j.setGet("absent", "x", SetParams.setParams().xx()));
        assertNull(j.get("absent"));
        assertEquals("v3", raw("SET", "k", "v5", "GET", "get", "GET"));
        assertEquals("v5", j.get("k"));
        byte[] binary = {0, (byte) 0xff, '\r', '\n'};
        assertEquals("OK", j.set(Bytes.of("b"), binary));
        assertArrayEquals(binary, j.get(Bytes.of("b")));
    }

    @Test
    void setSyntaxErrors() {
        String[][] bad = {
            {"NX", "XX"}, {"XX", "NX"}, {"EX"}, {"PX"}, {"EXAT"}, {"PXAT"}, {"EX", "10", "PX", "100"},
            {"PX", "100", "EXAT", "99999999999"}, {"EX", "10", "KEEPTTL"}, {"KEEPTTL", "PXAT", "1"}, {"PERSIST"},
            {"FOO"}, {"GETT"},
        };
        for (String[] opts : bad) {
            String[] args = new String[3 + opts.length];
            args[0] = "SET";
            args[1] = "k";
            args[2] = "v";
            System.arraycopy(opts, 0, args, 3, opts.length);
            assertEquals("ERR syntax error", error(args), String.join(" ", opts));
        }
        assertNull(j.get("k"));
        assertEquals("OK", raw("SET", "k", "v", "ex", "10", "EX", "20"));
        assertEquals("OK", raw("SET", "k2", "v", "nx", "NX", "get", "GET") == null ? "OK" : "not null");
        assertEquals("v", j.get("k2"));
    }

    @Test
    void expireTimeErrorsNameTheCommand() {
        assertEquals("ERR invalid expire time in 'set' command", error("SET", "k", "v", "EX", "0"));
        assertEquals("ERR invalid expire time in 'set' command", error("SET", "k", "v", "PX", "-1"));
        assertEquals("ERR invalid expire time in 'set' command", error("SET", "k", "v", "PXAT", "0"));
        assertEquals("ERR invalid expire time in 'set' command",
                error("SET", "k", "v", "EX", "9223372036854775807"));
        assertEquals("ERR invalid expire time in 'set' command",
                error("SET", "k", "v", "PX", "9223372036854775807"));
        assertEquals("ERR value is not an integer or out of range", error("SET", "k", "v", "EX", "1.5"));
        assertEquals("ERR invalid expire time in 'setex' command", error("SETEX", "k", "0", "v"));
        assertEquals("ERR invalid expire time in 'psetex' command", error("PSETEX", "k", "-3", "v"));
        assertEquals("ERR value is not an integer or out of range", error("SETEX", "k", "x", "v"));
        j.set("k", "v");
        assertEquals("ERR invalid expire time in 'getex' command", error("GETEX", "k", "EX", "0"));
        assertEquals("ERR invalid expire time in 'getex' command", error("GETEX", "k", "PXAT", "-5"));
        assertNull(raw("GETEX", "missing", "EX", "0"), "a missing key replies null before the expiry is checked");
        assertEquals("ERR syntax error", error("GETEX", "k", "EX", "10", "PERSIST"));
        assertEquals("ERR syntax error", error("GETEX", "k", "NX"));
        assertEquals("ERR syntax error", error("GETEX", "k", "KEEPTTL"));
    }

    @Test
    void ttlRules() throws Exception {
        long now = System.currentTimeMillis();
        j.set("k", "v", SetParams.setParams().ex(100));
        long at = expireAt("k");
        assertTrue(at >= now + 99_000 && at <= System.currentTimeMillis() + 100_000, "EX sets now+100s: " + at);
        j.set("k", "v2", SetParams.setParams().keepTtl());
        assertEquals(at, expireAt("k"), "KEEPTTL keeps the TTL");
        j.set("k", "v3");
        assertEquals(-1, expireAt("k"), "plain SET drops the TTL");
        j.set("k", "v", SetParams.setParams().exAt(99_999_999_999L));
        assertEquals(99_999_999_999_000L, expireAt("k"));
        j.set("k", "v", SetParams.setParams().pxAt(99_999_999_999_999L));
        assertEquals(99_999_999_999_999L, expireAt("k"));
        j.setex("s", 100, "v");
        assertTrue(expireAt("s") > now + 99_000);
        j.psetex("p", 100_000, "v");
        assertTrue(expireAt("p") > now + 99_000);

        j.set("n", "1", SetParams.setParams().pxAt(99_999_999_999_999L));
        j.incr("n");
        j.incrBy("n", 5);
        j.decr("n");
        j.incrByFloat("n", 1.5);
        j.append("n", "0");
        j.setrange("n", 0, "9");
        assertEquals("9.50", j.get("n"));
        assertEquals(99_999_999_999_999L, expireAt("n"), "INCR, INCRBYFLOAT, APPEND and SETRANGE keep the TTL");
        j.getSet("n", "x");
        assertEquals(-1, expireAt("n"), "GETSET drops the TTL");
        j.set("m", "1", SetParams.setParams().ex(100));
        j.mset("m", "2");
        assertEquals(-1, expireAt("m"), "MSET drops the TTL");

        j.set("short", "v", SetParams.setParams().px(50));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (j.get("short") != null && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertNull(j.get("short"), "a PX 50 key is gone within the bound");
        assertEquals("OK", j.set("past", "v", SetParams.setParams().exAt(1)));
        assertNull(j.get("past"));
    }

    @Test
    void getex() throws Exception {
        assertNull(j.getEx("missing", GetExParams.getExParams().ex(10)));
        j.set("k", "v");
        assertEquals("v", j.getEx("k", GetExParams.getExParams()));
        assertEquals(-1, expireAt("k"));
        long now = System.currentTimeMillis();
        assertEquals("v", j.getEx("k", GetExParams.getExParams().ex(100)));
        assertTrue(expireAt("k") >= now + 99_000);
        assertEquals("v", j.getEx("k", GetExParams.getExParams().px(200_000)));
        assertTrue(expireAt("k") >= now + 199_000);
        assertEquals("v", j.getEx("k", GetExParams.getExParams().pxAt(99_999_999_999_999L)));
        assertEquals(99_999_999_999_999L, expireAt("k"));
        assertEquals("v", j.getEx("k", GetExParams.getExParams().exAt(99_999_999_999L)));
        assertEquals(99_999_999_999_000L, expireAt("k"));
        assertEquals("v", j.getEx("k", GetExParams.getExParams().persist()));
        assertEquals(-1, expireAt("k"));
        assertEquals("v", j.getEx("k", GetExParams.getExParams().exAt(1)));
        assertEquals(-2, expireAt("k"), "an absolute time in the past deletes the key");
    }

    @Test
    void getdelGetsetMsetMget() {
        j.set("k", "v");
        assertEquals("v", j.getDel("k"));
        assertNull(j.getDel("k"));
        assertNull(j.get("k"));
        assertNull(j.getSet("g", "1"));
        assertEquals("1", j.getSet("g", "2"));
        assertEquals("2", j.get("g"));
        assertEquals("OK", j.mset("a", "1", "b", "2", "a", "3"));
        assertEquals(java.util.Arrays.asList("3", "2", null), j.mget("a", "b", "c"));
        assertEquals(0, j.msetnx("c", "1", "a", "x"));
        assertNull(j.get("c"));
        assertEquals(1, j.msetnx("c", "1", "d", "2"));
        assertEquals("ERR wrong number of arguments for 'mset' command", error("MSET", "a", "1", "b"));
        assertEquals("ERR wrong number of arguments for 'msetnx' command", error("MSETNX", "a", "1", "b"));
        assertEquals(1, j.setnx("e", "1"));
        assertEquals(0, j.setnx("e", "2"));
        assertEquals("1", j.get("e"));
    }

    @Test
    void integers() {
        assertEquals(1, j.incr("i"));
        assertEquals(0, j.decr("i"));
        assertEquals(-10, j.decrBy("i", 10));
        assertEquals(90, j.incrBy("i", 100));
        j.set("max", Long.toString(Long.MAX_VALUE));
        assertEquals("ERR increment or decrement would overflow", error("INCR", "max"));
        j.set("min", Long.toString(Long.MIN_VALUE));
        assertEquals("ERR increment or decrement would overflow", error("DECR", "min"));
        assertEquals("ERR increment or decrement would overflow", error("INCRBY", "min", "-1"));
        assertEquals("ERR decrement would overflow", error("DECRBY", "i", "-9223372036854775808"));
        assertEquals("ERR value is not an integer or out of range", error("INCRBY", "i", "1.5"));
        assertEquals("ERR value is not an integer or out of range", error("INCRBY", "i", "9223372036854775808"));
        for (String v : new String[] {"abc", " 1", "1 ", "01", "+1", "1.0", "", "-0", "99999999999999999999"}) {
            j.set("bad", v);
            assertEquals("ERR value is not an integer or out of range", error("INCR", "bad"), v);
            assertEquals(v, j.get("bad"));
        }
    }

    @Test
    void incrByFloat() {
        j.set("f", "10.5");
        assertEquals("10.6", raw("INCRBYFLOAT", "f", "0.1"));
        assertEquals("3000", raw("INCRBYFLOAT", "g", "3.0e3"));
        assertEquals("3000", j.get("g"), "the stored value is the printed result");
        assertEquals("1.1", raw("INCRBYFLOAT", "h", "1.1"));
        assertEquals("2.2", raw("INCRBYFLOAT", "h", "1.1"));
        assertEquals("3.3", raw("INCRBYFLOAT", "h", "1.1"));
        assertEquals("3016.25", raw("INCRBYFLOAT", "g", "0x10.4"));
        for (String bad : new String[] {"abc", " 1", "1 ", "1e", "nan", "1e5000", "", "1f"}) {
            assertEquals("ERR value is not a valid float", error("INCRBYFLOAT", "f", bad), bad);
        }
        assertEquals("ERR increment would produce NaN or Infinity", error("INCRBYFLOAT", "f", "inf"));
        j.set("big", "1e4932");
        assertEquals("ERR increment would produce NaN or Infinity", error("INCRBYFLOAT", "big", "1e4932"));
        j.set("text", "abc");
        assertEquals("ERR value is not a valid float", error("INCRBYFLOAT", "text", "1"));
        assertEquals("abc", j.get("text"));
    }

    @Test
    void appendStrlenRanges() {
        assertEquals(5, j.append("a", "hello"));
        assertEquals(11, j.append("a", " world"));
        assertEquals(11, j.strlen("a"));
        assertEquals(0, j.strlen("missing"));
        assertEquals(11, j.setrange("a", 0, "HELLO"));
        assertEquals("HELLO world", j.get("a"));
        assertEquals(8, j.setrange("pad", 5, "abc"));
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 'a', 'b', 'c'}, j.get(Bytes.of("pad")));
        assertEquals(0, j.setrange("none", 100, ""));
        assertNull(j.get("none"));
        assertEquals(11, j.setrange("a", 3, ""));
        assertEquals("ERR offset is out of range", error("SETRANGE", "a", "-1", "x"));
        assertEquals("ERR string exceeds maximum allowed size (proto-max-bulk-len)",
                error("SETRANGE", "a", "536870912", "x"));
        assertEquals("ERR string exceeds maximum allowed size (proto-max-bulk-len)",
                error("SETRANGE", "a", "9223372036854775807", "xy"));
        assertEquals("HELLO", j.getrange("a", 0, 4));
        assertEquals("world", j.getrange("a", -5, -1));
        assertEquals("", j.getrange("a", -1, -5));
        assertEquals("HELLO world", j.getrange("a", -100, 100));
        assertEquals("", j.getrange("a", 5, 3));
        assertEquals("", j.getrange("missing", 0, -1));
        assertEquals("LO", j.substr("a", 3, 4));
        assertEquals("ERR value is not an integer or out of range", error("GETRANGE", "a", "x", "1"));
    }

    @Test
    void protoMaxBulkLenLimitsAppendAndSetrange() throws Exception {
        try (TestServer small = TestServer.start("proto-max-bulk-len", "1mb");
                Jedis c = new Jedis(small.host(), small.port())) {
            byte[] half = new byte[600 * 1024];
            assertEquals(half.length, c.append(Bytes.of("k"), half));
            JedisDataException e = assertThrows(JedisDataException.class, () -> c.append(Bytes.of("k"), half));
            assertEquals("ERR string exceeds maximum allowed size (proto-max-bulk-len)", e.getMessage());
            assertEquals(half.length, c.strlen("k"));
            assertEquals(1024 * 1024, c.setrange("k", 1024 * 1024 - 1, "x"));
            e = assertThrows(JedisDataException.class, () -> c.setrange("k", 1024 * 1024, "x"));
            assertEquals("ERR string exceeds maximum allowed size (proto-max-bulk-len)", e.getMessage());
        }
    }

    @Test
    void lcs() throws Exception {
        j.mset("a", "ohmytext", "b", "mynewtext");
        assertEquals("mytext", j.lcs("a", "b", LCSParams.LCSParams()).getMatchString());
        assertEquals(6, j.lcs("a", "b", LCSParams.LCSParams().len()).getLen());
        LCSMatchResult idx = j.lcs("a", "b", LCSParams.LCSParams().idx().withMatchLen());
        assertEquals(6, idx.getLen());
        assertEquals(2, idx.getMatches().size());
        assertEquals(4, idx.getMatches().get(0).getMatchLen());
        assertEquals(4, idx.getMatches().get(0).getA().getStart());
        assertEquals(7, idx.getMatches().get(0).getA().getEnd());
        assertEquals(5, idx.getMatches().get(0).getB().getStart());
        assertEquals(1, j.lcs("a", "b", LCSParams.LCSParams().idx().minMatchLen(4)).getMatches().size());
        assertEquals("ERR If you want both the length and indexes, please just use IDX.",
                error("LCS", "a", "b", "LEN", "IDX"));
        assertEquals("ERR syntax error", error("LCS", "a", "b", "MINMATCHLEN"));
        assertEquals("ERR value is not an integer or out of range", error("LCS", "a", "b", "MINMATCHLEN", "x"));
        storeList("list");
        assertEquals("ERR The specified keys must contain string values", error("LCS", "a", "list"));

        try (RawClient raw = new RawClient(server.host(), server.port())) {
            raw.call("PING");
            server.server().onEngine(() -> {
                Engine e = server.server().engine();
                for (Client c : e.clients().values()) {
                    if (c.lastCommand().equals("ping")) {
                        c.reply().protocol(3);
                    }
                }
                return null;
            });
            byte[] reply = raw.callRaw(Bytes.of("LCS"), Bytes.of("a"), Bytes.of("b"), Bytes.of("IDX"),
                    Bytes.of("WITHMATCHLEN"));
            assertEquals("%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n"
                    + "*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n",
                    new String(reply, StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void wrongType() throws Exception {
        storeList("l");
        String wrong = "WRONGTYPE Operation against a key holding the wrong kind of value";
        String[][] commands = {
            {"GET", "l"}, {"SET", "l", "v", "GET"}, {"GETEX", "l"}, {"GETEX", "l", "EX", "0"}, {"GETDEL", "l"},
            {"GETSET", "l", "v"}, {"APPEND", "l", "v"}, {"STRLEN", "l"}, {"INCR", "l"}, {"DECR", "l"},
            {"INCRBY", "l", "1"}, {"DECRBY", "l", "1"}, {"INCRBYFLOAT", "l", "1"}, {"INCRBYFLOAT", "l", "abc"},
            {"SETRANGE", "l", "0", "v"}, {"SETRANGE", "l", "0", ""}, {"GETRANGE", "l", "0", "1"},
            {"SUBSTR", "l", "0", "1"},
        };
        for (String[] cmd : commands) {
            assertEquals(wrong, error(cmd), String.join(" ", cmd));
        }
        assertEquals(java.util.Arrays.asList((String) null), j.mget("l"));
        assertEquals("OK", j.set("l", "now a string"), "plain SET replaces any type");
        assertEquals("now a string", j.get("l"));
        storeList("l2");
        assertEquals("ERR value is not an integer or out of range", error("INCRBY", "l2", "x"),
                "INCRBY checks its argument before the key");
        assertEquals(0, j.setnx("l2", "v"));
        assertEquals(0, j.msetnx("l2", "v"));
    }

    @Test
    void propagationRewrites() throws Exception {
        long before = dirty();
        j.set("a", "1", SetParams.setParams().ex(100));
        j.set("b", "1", SetParams.setParams().px(100_000).nx());
        j.set("c", "1", SetParams.setParams().exAt(99_999_999_999L));
        raw("SET", "d", "1", "GET", "XX");
        raw("SET", "d", "2", "GET", "KEEPTTL", "get");
        raw("SET", "d", "3", "GET", "PXAT", "99999999999999");
        j.setex("e", 100, "v");
        j.psetex("f", 100_000, "v");
        j.setnx("e", "again");
        j.getEx("e", GetExParams.getExParams().ex(100));
        j.getEx("e", GetExParams.getExParams().persist());
        j.getEx("e", GetExParams.getExParams().persist());
        j.getEx("e", GetExParams.getExParams());
        j.getEx("e", GetExParams.getExParams().exAt(1));
        j.set("g", "1");
        j.getDel("g");
        j.getDel("g");
        j.getSet("h", "5");
        raw("INCRBYFLOAT", "i", "1.5e3");
        j.mset("m1", "1", "m2", "2");
        j.msetnx("m1", "x", "m3", "y");
        j.setrange("h", 3, "");
        j.setrange("h", 1, "x");
        j.incr("n");
        j.append("n", "0");

        List<String> got = new ArrayList<>(propagated);
        String[] expected = {
            "SET a 1 PXAT \\d{13}", "SET b 1 PXAT \\d{13}", "SET c 1 PXAT 99999999999000", "SET d 2 KEEPTTL",
            "SET d 3 PXAT 99999999999999", "SET e v PXAT \\d{13}", "SET f v PXAT \\d{13}", "PEXPIREAT e \\d{13}",
            "PERSIST e", "DEL e", "SET g 1", "DEL g", "SET h 5", "SET i 1500 KEEPTTL", "MSET m1 1 m2 2",
            "SETRANGE h 1 x", "INCR n", "APPEND n 0",
        };
        assertEquals(expected.length, got.size(), String.join("\n", got));
        for (int i = 0; i < expected.length; i++) {
            assertTrue(got.get(i).matches(expected[i]), expected[i] + " vs " + got.get(i));
        }
        long now = System.currentTimeMillis();
        long pxat = Long.parseLong(got.get(0).substring(got.get(0).lastIndexOf(' ') + 1));
        assertTrue(pxat > now + 95_000 && pxat <= now + 100_000, "EX 100 becomes an absolute time: " + pxat);
        assertEquals(19, dirty() - before, "each change counts once, MSET once per key");
    }

    /** Random GETRANGE, SETRANGE, APPEND and LCS calls give byte-identical replies on jredis and real Redis. */
    @Test
    void randomRangesAndLcsMatchRealRedis() throws Exception {
        RealRedis.assumeInstalled();
        Random r = new Random(42);
        List<byte[][]> commands = new ArrayList<>();
        String[] lcsOptions = {"", "LEN", "IDX", "IDX WITHMATCHLEN", "IDX MINMATCHLEN 2",
            "IDX MINMATCHLEN 2 WITHMATCHLEN", "WITHMATCHLEN"};
        for (int i = 0; i < 1500; i++) {
            String key = "r" + r.nextInt(6);
            switch (r.nextInt(5)) {
                case 0 -> commands.add(args("SET " + key, randomBytes(r)));
                case 1 -> commands.add(args("GETRANGE " + key + " " + randomIndex(r) + " " + randomIndex(r)));
                case 2 -> commands.add(args("SETRANGE " + key + " " + r.nextInt(20), randomBytes(r)));
                case 3 -> commands.add(args("APPEND " + key, randomBytes(r)));
                default -> commands.add(args(("LCS " + key + " r" + r.nextInt(6) + " "
                        + lcsOptions[r.nextInt(lcsOptions.length)]).strip()));
            }
        }
        try (RealRedis redis = RealRedis.start();
                RawClient real = new RawClient("127.0.0.1", redis.port());
                RawClient ours = new RawClient(server.host(), server.port())) {
            for (byte[][] cmd : commands) {
                byte[] expected = real.callRaw(cmd);
                byte[] actual = ours.callRaw(cmd);
                assertEquals(DifferentialRunner.show(expected), DifferentialRunner.show(actual), join(cmd));
            }
        }
    }

    private static String randomIndex(Random r) {
        return switch (r.nextInt(10)) {
            case 0 -> "9223372036854775807";
            case 1 -> "-9223372036854775808";
            default -> Integer.toString(r.nextInt(31) - 15);
        };
    }

    private static byte[] randomBytes(Random r) {
        byte[] alphabet = {'a', 'b', 'c', 0, (byte) 0xff};
        byte[] out = new byte[r.nextInt(13)];
        for (int i = 0; i < out.length; i++) {
            out[i] = alphabet[r.nextInt(r.nextBoolean() ? 2 : alphabet.length)];
        }
        return out;
    }

    private static byte[][] args(String words, byte[]... tail) {
        String[] w = words.split(" ");
        byte[][] out = new byte[w.length + tail.length][];
        for (int i = 0; i < w.length; i++) {
            out[i] = Bytes.of(w[i]);
        }
        System.arraycopy(tail, 0, out, w.length, tail.length);
        return out;
    }
}
