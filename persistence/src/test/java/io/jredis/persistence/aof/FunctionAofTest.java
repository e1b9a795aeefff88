package io.jredis.persistence.aof;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.Await;
import io.jredis.server.testing.Libraries;
import io.jredis.server.testing.RealRedis;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

/**
 * Function libraries in the AOF: an RDB base carries FUNCTION2 records, an AOF base starts with a FUNCTION LOAD per
 * library (Redis's rewriteFunctions), FUNCTION LOAD / DELETE / FLUSH / RESTORE land in the incr file, and the
 * directories cross between jredis and redis-server 7.0.15 in both directions.
 */
class FunctionAofTest {
    private static final String LATER = "#!lua name=later\nredis.register_function('later', function() return 7 end)";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "aof-use-rdb-preamble {0}")
    @ValueSource(strings = {"yes", "no"})
    void rewriteAndIncrKeepLibrariesAcrossRestartAndIntoRedis(String preamble) throws Exception {
        Path jdir = dir.resolve("jredis");
        Files.createDirectories(jdir);
        Map<String, String> expected;
        try (AofServer s = AofServer.start(jdir, "appendonly", "yes", "aof-use-rdb-preamble", preamble);
                Jedis j = s.jedis()) {
            Libraries.loadBoth(j);
            j.set("key", "value");
            j.bgrewriteaof();
            AofRewriteTest.awaitRewriteDone(j);
            Await.until("the new manifest", 30, () -> manifest(jdir).contains("seq 2 type b"));
            j.functionLoad(LATER);
            j.functionLoad("#!lua name=gone\nredis.register_function('gone', function() return 0 end)");
            j.functionDelete("gone");
            byte[] dump = j.functionDump();
            j.functionFlush();
            assertEquals("OK", j.functionRestore(dump));
            expected = Libraries.describe(j);
        }
        byte[] base = Files.readAllBytes(base(jdir));
        byte[] lib1 = Libraries.LIB1.getBytes(StandardCharsets.UTF_8);
        if (preamble.equals("no")) {
            String load = "*3\r\n$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n$" + lib1.length + "\r\n" + Libraries.LIB1 + "\r\n";
            assertTrue(new String(base, StandardCharsets.UTF_8).startsWith(load), "the base starts with FUNCTION LOAD");
        } else {
            assertEquals("REDIS0010", new String(base, 0, 9, StandardCharsets.US_ASCII));
        }
        // FUNCTION RESTORE's payload is binary.
        String incr = new String(Files.readAllBytes(jdir.resolve("appendonlydir/appendonly.aof.2.incr.aof")),
                StandardCharsets.ISO_8859_1);
        for (String sub : List.of("LOAD", "DELETE", "FLUSH", "RESTORE")) {
            assertTrue(incr.contains("$8\r\nFUNCTION\r\n$" + sub.length() + "\r\n" + sub + "\r\n"), sub + ": " + incr);
        }
        try (AofServer s = AofServer.start(jdir, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals(expected, Libraries.describe(j));
            Libraries.assertWritableCalls(j);
            assertEquals(7L, j.fcall("later", List.of(), List.of()));
        }
        RealRedis.assumeInstalled();
        Path rdir = dir.resolve("redis");
        AofInteropTest.copyTree(jdir, rdir);
        try (RealRedis r = RealRedis.start("--dir", rdir.toString(), "--appendonly", "yes");
                Jedis j = new Jedis("127.0.0.1", r.port())) {
            assertEquals(expected, Libraries.describe(j));
            Libraries.assertWritableCalls(j);
            assertEquals("value", j.get("key"));
        }
    }

    @ParameterizedTest(name = "aof-use-rdb-preamble {0}")
    @ValueSource(strings = {"yes", "no"})
    void redisAofLoadsInJredis(String preamble) throws Exception {
        RealRedis.assumeInstalled();
        Path rdir = dir.resolve("redis");
        Files.createDirectories(rdir);
        Map<String, String> expected;
        try (RealRedis r = RealRedis.start("--dir", rdir.toString(), "--appendonly", "yes",
                "--aof-use-rdb-preamble", preamble, "--appendfsync", "always");
                Jedis j = new Jedis("127.0.0.1", r.port())) {
            Libraries.loadBoth(j);
            j.set("key", "value");
            j.bgrewriteaof();
            Await.until("the rewrite", 30, () -> "0".equals(AppendOnlyFileTest.info(j, "aof_rewrite_in_progress"))
                    && manifest(rdir).contains("seq 2 type b"));
            j.functionLoad(LATER);
            expected = Libraries.describe(j);
        }
        Path jdir = dir.resolve("jredis");
        AofInteropTest.copyTree(rdir, jdir);
        Files.deleteIfExists(jdir.resolve("redis.log"));
        try (AofServer s = AofServer.start(jdir, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals(expected, Libraries.describe(j));
            Libraries.assertWritableCalls(j);
            assertEquals("value", j.get("key"));
        }
    }

    /** With one library and one key, the AOF base of a rewrite without preamble is Redis's, byte for byte. */
    @Test
    void aofBaseIsRedissByteForByte() throws Exception {
        RealRedis.assumeInstalled();
        Path rdir = dir.resolve("redis");
        Path jdir = dir.resolve("jredis");
        Files.createDirectories(rdir);
        Files.createDirectories(jdir);
        try (RealRedis r = RealRedis.start("--dir", rdir.toString(), "--appendonly", "yes",
                "--aof-use-rdb-preamble", "no"); Jedis j = new Jedis("127.0.0.1", r.port())) {
            j.functionLoad(Libraries.LIB1);
            j.set("key", "value");
            j.bgrewriteaof();
            Await.until("the rewrite", 30, () -> "0".equals(AppendOnlyFileTest.info(j, "aof_rewrite_in_progress"))
                    && manifest(rdir).contains("seq 2 type b"));
        }
        try (AofServer s = AofServer.start(jdir, "appendonly", "yes", "aof-use-rdb-preamble", "no");
                Jedis j = s.jedis()) {
            j.functionLoad(Libraries.LIB1);
            j.set("key", "value");
            j.bgrewriteaof();
            AofRewriteTest.awaitRewriteDone(j);
            Await.until("the new manifest", 30, () -> manifest(jdir).contains("seq 2 type b"));
        }
        assertArrayEquals(Files.readAllBytes(base(rdir)), Files.readAllBytes(base(jdir)));
    }

    private static String manifest(Path d) {
        try {
            return Files.readString(d.resolve("appendonlydir/appendonly.aof.manifest"));
        } catch (IOException e) {
            return "";
        }
    }

    /** The base the BGREWRITEAOF made (the second; the first is made at start-up). */
    private static Path base(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d.resolve("appendonlydir"))) {
            return s.filter(p -> p.getFileName().toString().startsWith("appendonly.aof.2.base.")).findFirst()
                    .orElseThrow();
        }
    }
}
