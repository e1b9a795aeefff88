package io.jredis.server.commands;

import static io.jredis.server.testing.RawClient.args;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.db.Database;
import io.jredis.server.log.Log;
import io.jredis.server.testing.DifferentialRunner;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DebugCommandTest {
    private static final String NOT_ALLOWED = "(error) ERR DEBUG command not allowed. If the enable-debug-command"
            + " option is set to \"local\", you can run it from a local connection, otherwise you need to set this"
            + " option in the configuration file, and then restart the server.";

    /** A test comparing jredis with a real redis-server, both fresh with DEBUG enabled. */
    private interface DebugComparison {
        void run(TestServer s, RawClient real, RawClient ours) throws Exception;
    }

    /** Runs {@code test} on a new real redis-server and a new jredis, a client to each. */
    private static void withDebugEnabledPair(DebugComparison test) throws Exception {
        try (RealRedis redis = RealRedis.start("--enable-debug-command", "yes");
                TestServer s = TestServer.start("enable-debug-command", "yes");
                RawClient real = new RawClient("127.0.0.1", redis.port());
                RawClient ours = new RawClient(s.host(), s.port())) {
            test.run(s, real, ours);
        }
    }

    /** Sends each command of {@code script} to both servers in turn; their replies must be the same bytes. */
    private static void assertSameReplies(RawClient real, RawClient ours, String[][] script) throws Exception {
        for (String[] cmd : script) {
            assertEquals(DifferentialRunner.show(real.callRaw(args(cmd))),
                    DifferentialRunner.show(ours.callRaw(args(cmd))), String.join(" ", cmd));
        }
    }

    @Test
    void refusedByDefaultAsARejectedCall() throws Exception {
        TestServer.start().runAndClose(c -> {
            assertEquals(NOT_ALLOWED, RawClient.text(c.call("DEBUG", "DIGEST")));
            String stats = RawClient.text(c.call("INFO", "commandstats"));
            assertTrue(stats.contains("cmdstat_debug:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0"),
                    stats);
        });
    }

    /** Redis checks protected commands right after their arity, before authentication. */
    @Test
    void protectedCommandsAreRefusedBeforeAuthenticationAsRealRedis() throws Exception {
        try (RealRedis redis = RealRedis.start(); TestServer s = TestServer.start()) {
            for (int port : new int[] {redis.port(), s.port()}) {
                try (RawClient admin = new RawClient("127.0.0.1", port)) {
                    assertEquals("OK", RawClient.text(admin.call("CONFIG", "SET", "requirepass", "pw")));
                }
            }
            try (RawClient real = new RawClient("127.0.0.1", redis.port());
                    RawClient ours = new RawClient(s.host(), s.port())) {
                compareUnauthenticated(real, ours);
            }
        }
    }

    private static void compareUnauthenticated(RawClient real, RawClient ours) throws Exception {
        String[][] script = {{"DEBUG", "DIGEST"}, {"DEBUG"}, {"MODULE", "LOAD", "x"}, {"MODULE", "LIST"},
            {"MODULE", "UNLOAD", "x"}, {"GET", "a"}};
        for (String[] cmd : script) {
            assertArrayEquals(real.callRaw(args(cmd)), ours.callRaw(args(cmd)), String.join(" ", cmd));
        }
    }

    @Test
    void localAllowsLoopbackClients() throws Exception {
        TestServer.start("enable-debug-command", "local").runAndClose(c -> {
            assertEquals("0".repeat(40), RawClient.text(c.call("DEBUG", "DIGEST")));
        });
    }

    @Test
    void digestsEqualRealRedis() throws Exception {
        withDebugEnabledPair((s, real, ours) -> {
            RawClient[] both = {real, ours};
            assertArrayEquals(real.callRaw(args("DEBUG", "DIGEST")), ours.callRaw(args("DEBUG", "DIGEST")));
            for (RawClient c : both) {
                c.call("SET", "a", "b");
                c.call("SET", "n", "12345");
                c.call("SET", "bin", "\u0000\u00ff\r\n");
                c.call("SELECT", "3");
                c.call("SET", "a", "other");
                c.call("SET", "ttl", "v");
            }
            real.call("PEXPIRE", "ttl", "100000");
            s.server().onEngine(() -> {
                Database db = s.server().engine().database(3);
                db.setExpire(db.entry("ttl".getBytes()), System.currentTimeMillis() + 100_000);
                return null;
            });
            byte[] expected = real.callRaw(args("DEBUG", "DIGEST"));
            assertEquals('+', expected[0]);
            assertEquals(DifferentialRunner.show(expected), DifferentialRunner.show(ours.callRaw(args("DEBUG", "DIGEST"))));
            byte[][] values = args("DEBUG", "DIGEST-VALUE", "a", "ttl", "nosuch");
            assertEquals(DifferentialRunner.show(real.callRaw(values)), DifferentialRunner.show(ours.callRaw(values)));
            assertArrayEquals(real.callRaw(args("DEBUG", "DIGEST-VALUE")), ours.callRaw(args("DEBUG", "DIGEST-VALUE")));
            assertSameReplies(real, ours, new String[][] {{"DEBUG", "HELP"}, {"DEBUG", "help"}, {"DEBUG", "NOSUCH"},
                {"DEBUG", "SLEEP"}, {"DEBUG", "DIGEST", "x"}, {"DEBUG", "OBJECT", "nosuch"}, {"DEBUG"},
                {"DEBUG", "SET-ACTIVE-EXPIRE"}});
        });
    }

    @Test
    void populateAndErrorAnswerAsRealRedis() throws Exception {
        withDebugEnabledPair((s, real, ours) -> {
            String[][] script = {{"SET", "key:1", "kept"}, {"DEBUG", "POPULATE", "3"}, {"DBSIZE"},
                {"MGET", "key:0", "key:1", "key:2"}, {"DEBUG", "POPULATE", "2", "pad", "12"},
                {"DEBUG", "POPULATE", "2", "cut", "3"}, {"DEBUG", "POPULATE", "2", "zero", "0"},
                {"MGET", "pad:0", "pad:1", "cut:1", "zero:1"}, {"OBJECT", "ENCODING", "pad:0"},
                {"DEBUG", "POPULATE", "-1"}, {"DEBUG", "POPULATE", "abc"}, {"DEBUG", "POPULATE", "1", "p", "-1"},
                {"DEBUG", "POPULATE"}, {"DEBUG", "POPULATE", "1", "a", "2", "x"}, {"DEBUG", "POPULATE", "0"},
                {"DBSIZE"}, {"DEBUG", "ERROR", "Foo bar"}, {"DEBUG", "ERROR", ""}, {"DEBUG", "ERROR", "x", "y"},
                {"INFO", "errorstats"}};
            assertSameReplies(real, ours, script);
            String persistence = RawClient.text(ours.call("INFO", "persistence"));
            assertTrue(persistence.contains("rdb_changes_since_last_save:1\r\n"), persistence);
        });
    }

    @Test
    void htstatsKeyErrorsAsRealRedisAndDescribesHashTables() throws Exception {
        withDebugEnabledPair((s, real, ours) -> {
            String[][] setup = {{"SADD", "si", "1", "2"}, {"SADD", "sl", "a", "b"}, {"HSET", "hl", "f", "v"},
                {"ZADD", "zl", "1", "a"}, {"SET", "str", "v"}, {"RPUSH", "l", "a"}, {"XADD", "x", "1-1", "f", "v"},
                {"HSET", "hh", "f", "v".repeat(100)}, {"ZADD", "zs", "1", "m".repeat(100)}};
            String[][] script = {{"DEBUG", "HTSTATS-KEY", "si"}, {"DEBUG", "HTSTATS-KEY", "hl"},
                {"DEBUG", "HTSTATS-KEY", "zl"}, {"DEBUG", "HTSTATS-KEY", "str"}, {"DEBUG", "HTSTATS-KEY", "l"},
                {"DEBUG", "HTSTATS-KEY", "x"}, {"DEBUG", "HTSTATS-KEY", "nokey"}, {"DEBUG", "HTSTATS-KEY"},
                {"DEBUG", "htstats-key", "sl", "full"}, {"DEBUG", "HTSTATS-KEY", "nokey", "full"},
                {"INFO", "errorstats"}};
            assertSameReplies(real, ours, setup);
            assertSameReplies(real, ours, script);
            // A hashtable set, a hashtable hash and a skiplist zset answer Redis's dictGetStats text: the table's size
            // and element count as Redis's; the chains depend on the hash function.
            for (String key : new String[] {"sl", "hh", "zs"}) {
                String[] realLines = RawClient.text(real.call("DEBUG", "HTSTATS-KEY", key)).split("\n");
                String[] ourLines = RawClient.text(ours.call("DEBUG", "HTSTATS-KEY", key)).split("\n");
                assertArrayEquals(Arrays.copyOf(realLines, 3), Arrays.copyOf(ourLines, 3), key);
                assertEquals(" Chain length distribution:", ourLines[7], key);
            }
            ours.call("DEL", "sl");
            for (int i = 0; i < 200; i++) {
                ours.call("SADD", "big", "m" + i);
            }
            String big = RawClient.text(ours.call("DEBUG", "HTSTATS-KEY", "big"));
            assertTrue(big.startsWith("Hash table 0 stats (main hash table):\n table size: 256\n"
                    + " number of elements: 200\n different slots: "), big);
            assertTrue(big.contains(" Chain length distribution:\n   0: "), big);
        });
    }

    /** DEBUG HTSTATS dbid: Redis's errors, its text for empty tables, and both tables' sizes and counts. */
    @Test
    void htstatsDescribesTheKeyspaceAndExpiresTables() throws Exception {
        withDebugEnabledPair((s, real, ours) -> {
            String[][] script = {{"DEBUG", "HTSTATS", "0"}, {"DEBUG", "HTSTATS", "16"}, {"DEBUG", "HTSTATS", "-1"},
                {"DEBUG", "HTSTATS", "x"}, {"DEBUG", "HTSTATS"}, {"DEBUG", "HTSTATS", "0", "full"},
                {"DEBUG", "CONFIG-REWRITE-FORCE-ALL", "x"}, {"INFO", "errorstats"}};
            assertSameReplies(real, ours, script);
            for (RawClient c : new RawClient[] {real, ours}) {
                c.call("SET", "a", "1");
                c.call("SET", "b", "2", "EX", "100");
                c.call("SET", "c", "3");
            }
            String[] realLines = RawClient.text(real.call("DEBUG", "HTSTATS", "0")).split("\n");
            String[] ourLines = RawClient.text(ours.call("DEBUG", "HTSTATS", "0")).split("\n");
            assertArrayEquals(Arrays.copyOf(realLines, 4), Arrays.copyOf(ourLines, 4));
            int expires = Arrays.asList(ourLines).indexOf("[Expires HT]");
            assertArrayEquals(Arrays.copyOfRange(realLines, Arrays.asList(realLines).indexOf("[Expires HT]"),
                    Arrays.asList(realLines).indexOf("[Expires HT]") + 4),
                    Arrays.copyOfRange(ourLines, expires, expires + 4));
        });
    }

    @Test
    void objectDescribesTheValueAsRedisDoes() throws Exception {
        TestServer.start("enable-debug-command", "yes").runAndClose(c -> {
            c.call("SET", "s", "hello");
            c.call("SET", "n", "42");
            c.call("SET", "big", "12345678901");
            c.call("SET", "raw", "x".repeat(100));
            String pattern = "Value at:0x[0-9a-f]+ refcount:%s encoding:%s serializedlength:%d lru:\\d+ lru_seconds_idle:\\d+";
            assertMatches(String.format(pattern, "1", "embstr", 6), RawClient.text(c.call("DEBUG", "OBJECT", "s")));
            assertMatches(String.format(pattern, "2147483647", "int", 2), RawClient.text(c.call("DEBUG", "OBJECT", "n")));
            assertMatches(String.format(pattern, "1", "int", 12), RawClient.text(c.call("DEBUG", "OBJECT", "big")));
            assertMatches(String.format(pattern, "1", "raw", 102), RawClient.text(c.call("DEBUG", "OBJECT", "raw")));
        });
    }

    private static void assertMatches(String regex, String actual) {
        assertTrue(actual.matches(regex), actual + " !~ " + regex);
    }

    @Test
    void sleepStopsTheWholeServer() throws Exception {
        try (TestServer s = TestServer.start("enable-debug-command", "yes");
                RawClient sleeper = new RawClient(s.host(), s.port());
                RawClient other = new RawClient(s.host(), s.port())) {
            other.call("PING");
            long start = System.nanoTime();
            sleeper.send(RawClient.encode(args("DEBUG", "SLEEP", "0.3")));
            // The second client is served only once the engine thread wakes up.
            other.send(RawClient.encode(args("DEBUG", "SLEEP", "0")));
            assertEquals("OK", RawClient.text(other.read()));
            assertEquals("OK", RawClient.text(sleeper.read()));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(290));
        }
    }

    @Test
    void setActiveExpireTurnsTheExpireCycleOffAndOn() throws Exception {
        try (TestServer s = TestServer.start("enable-debug-command", "yes", "hz", "100");
                RawClient c = new RawClient(s.host(), s.port())) {
            assertEquals("OK", RawClient.text(c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0")));
            assertEquals(Boolean.FALSE, s.server().onEngine(() -> s.server().engine().activeExpireEnabled()));
            c.call("SET", "k", "v");
            long expireAt = s.server().onEngine(() -> {
                Database db = s.server().engine().database(0);
                long when = System.currentTimeMillis() + 20;
                db.setExpire(db.entry("k".getBytes()), when);
                return when;
            });
            // Twenty cron runs at hz 100 after the key is due: the active cycle would have removed it.
            long until = expireAt + 200;
            while (System.currentTimeMillis() < until) {
                Thread.onSpinWait();
            }
            assertEquals(1L, c.call("DBSIZE"));
            assertEquals("OK", RawClient.text(c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1")));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Long.valueOf(0).equals(c.call("DBSIZE")) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(0L, c.call("DBSIZE"));
        }
    }

    @Test
    void logWritesToTheServerLog() throws Exception {
        Path dir = Files.createTempDirectory("jredis-debug-log");
        Path file = dir.resolve("server.log");
        ServerConfig cfg = TestServer.config("enable-debug-command", "yes");
        try (RedisServer server = new RedisServer(cfg, Log.open(file.toString(), "notice"))) {
            server.start();
            try (RawClient c = new RawClient("127.0.0.1", server.port())) {
                assertEquals("OK", RawClient.text(c.call("DEBUG", "LOG", "hello there")));
            }
        }
        String log = Files.readString(file);
        assertTrue(log.matches("(?s).*\\d+:M \\d\\d \\w{3} \\d{4} [0-9:.]+ # DEBUG LOG: hello there\n.*"), log);
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }
}
