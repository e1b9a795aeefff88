package io.jredis.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.persistence.rdb.RdbOutput;
import io.jredis.persistence.rdb.RdbWriter;
import io.jredis.server.testing.Libraries;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Function libraries in RDB files (FUNCTION2 records after the AUX fields, as Redis's rdbSaveFunctions): kept by
 * SAVE, BGSAVE and DEBUG RELOAD, and crossing between jredis and redis-server 7.0.15 in both directions.
 */
class FunctionPersistenceTest {
    @Test
    void saveAndRestartKeepLibraries(@TempDir Path dir) throws Exception {
        try (PersistentServer s = PersistentServer.start(dir, "save", ""); Jedis j = s.jedis()) {
            Libraries.loadBoth(j);
            j.set("key", "value");
            assertEquals("OK", j.save());
        }
        try (PersistentServer s = PersistentServer.start(dir, "save", ""); Jedis j = s.jedis()) {
            Libraries.assertBothLoaded(j);
            Libraries.assertWritableCalls(j);
            assertEquals("value", j.get("key"));
            assertTrue(j.info("memory").contains("number_of_libraries:2"));
            assertTrue(!s.log().contains("function library"), s.log());
        }
    }

    /** The libraries of a BGSAVE are those of its start: a FUNCTION FLUSH during the save does not reach the file. */
    @Test
    void bgsaveWritesTheLibrariesOfItsStart(@TempDir Path dir) throws Exception {
        try (PersistentServer s = PersistentServer.start(dir, "save", "", "rdb-key-save-delay", "20000");
                Jedis j = s.jedis()) {
            Libraries.loadBoth(j);
            // 500 keys at 20 ms each: the save lasts 10 s unless the delay is lifted, ample for the three commands.
            String[] kv = new String[1000];
            for (int i = 0; i < 500; i++) {
                kv[2 * i] = "k" + i;
                kv[2 * i + 1] = "v" + i;
            }
            j.mset(kv);
            assertEquals("Background saving started", j.bgsave());
            assertEquals("OK", j.functionFlush());
            j.functionLoad("#!lua name=later\nredis.register_function('later', function() return 1 end)");
            assertTrue(j.info("persistence").contains("rdb_bgsave_in_progress:1"), "the flush ran during the save");
            j.configSet("rdb-key-save-delay", "0");
            BgsaveConsistencyTest.awaitBgsaveDone(j);
            assertTrue(j.info("persistence").contains("rdb_last_bgsave_status:ok"));
        }
        try (PersistentServer s = PersistentServer.start(dir, "save", ""); Jedis j = s.jedis()) {
            Libraries.assertBothLoaded(j);
            assertEquals(500, j.dbSize());
        }
    }

    @Test
    void debugReloadKeepsLibraries(@TempDir Path dir) throws Exception {
        try (PersistentServer s = PersistentServer.start(dir, "save", ""); Jedis j = s.jedis();
                RawClient c = new RawClient("127.0.0.1", s.port())) {
            Libraries.loadBoth(j);
            assertEquals("OK", RawClient.text(c.call("DEBUG", "RELOAD")));
            Libraries.assertBothLoaded(j);
            Libraries.assertWritableCalls(j);
            // MERGE replaces the libraries of the same name (Redis's RDBFLAGS_ALLOW_DUP) instead of failing.
            j.functionLoad("#!lua name=extra\nredis.register_function('extra', function() return 1 end)");
            assertEquals("OK", RawClient.text(c.call("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE")));
            assertEquals(3, j.functionList().size());
            assertEquals("OK", RawClient.text(c.call("DEBUG", "RELOAD", "NOSAVE")));
            Libraries.assertBothLoaded(j);
        }
    }

    @Test
    void jredisFileLoadsInRedis(@TempDir Path dir) throws Exception {
        jredisToRedis(dir, "yes");
    }

    @Test
    void jredisFileWithoutCompressionLoadsInRedis(@TempDir Path dir) throws Exception {
        jredisToRedis(dir, "no");
    }

    private static void jredisToRedis(Path dir, String compression) throws Exception {
        RealRedis.assumeInstalled();
        Map<String, String> expected;
        try (PersistentServer s = PersistentServer.start(dir, "save", "", "rdbcompression", compression);
                Jedis j = s.jedis()) {
            Libraries.loadBoth(j);
            j.set("key", "value");
            expected = Libraries.describe(j);
            assertEquals("OK", j.save());
        }
        String check = RdbInteropTest.checkRdb(dir.resolve("dump.rdb"));
        assertTrue(check.contains("\\o/ RDB looks OK! \\o/"), check);
        try (RealRedis r = RealRedis.start("--dir", dir.toString(), "--dbfilename", "dump.rdb",
                "--rdbcompression", compression); Jedis j = new Jedis("127.0.0.1", r.port(), 30_000)) {
            assertEquals(expected, Libraries.describe(j));
            Libraries.assertBothLoaded(j);
            Libraries.assertWritableCalls(j);
            assertEquals("value", j.get("key"));
            // The FUNCTION2 record is the library as FUNCTION DUMP writes it (the payload without its footer), and
            // Redis's DUMP of the same library is byte-identical: same string encoding, same compression.
            j.functionDelete("lib2");
            byte[] dump = j.functionDump();
            byte[] record = Arrays.copyOf(dump, dump.length - 10);
            assertTrue(indexOf(Files.readAllBytes(dir.resolve("dump.rdb")), record) > 0,
                    "the file holds lib1 as Redis encodes it");
        }
    }

    @Test
    void redisFileLoadsInJredis(@TempDir Path dir) throws Exception {
        RealRedis.assumeInstalled();
        Map<String, String> expected;
        try (RealRedis r = RealRedis.start(); Jedis j = new Jedis("127.0.0.1", r.port(), 30_000)) {
            Libraries.loadBoth(j);
            j.set("key", "value");
            expected = Libraries.describe(j);
            assertEquals("OK", j.save());
            Files.copy(r.dir().resolve("dump.rdb"), dir.resolve("dump.rdb"));
        }
        try (PersistentServer s = PersistentServer.start(dir, "save", ""); Jedis j = s.jedis()) {
            assertEquals(expected, Libraries.describe(j));
            Libraries.assertBothLoaded(j);
            Libraries.assertWritableCalls(j);
            assertEquals("value", j.get("key"));
        }
    }

    /**
     * A library that does not load stops the start-up as in Redis, which logs "Failed loading library, " and the
     * error, then reports a short read and exits: here a library present twice.
     */
    @Test
    void aLibraryThatDoesNotLoadStopsTheStartUp(@TempDir Path dir) throws Exception {
        byte[] lib = Libraries.LIB2.getBytes(StandardCharsets.UTF_8);
        try (OutputStream os = Files.newOutputStream(dir.resolve("dump.rdb"))) {
            RdbOutput out = new RdbOutput(os, true, true);
            RdbWriter.header(out, new RdbWriter.Aux(System.currentTimeMillis() / 1000, 0, false, null));
            RdbWriter.functions(out, List.of(lib, lib));
            RdbWriter.end(out);
        }
        IOException e = assertThrows(IOException.class, () -> PersistentServer.start(dir, "save", "").close());
        assertTrue(e.getMessage().contains("Unexpected EOF reading RDB file"), e.getMessage());
        String log = Files.readString(dir.resolve("jredis.log"));
        String failed = "Failed loading library, Library 'lib2' already exists";
        assertTrue(log.contains(failed), log);
        if (RealRedis.binary() != null) {
            String redisLog = redisStartUpFailure(dir);
            assertTrue(redisLog.contains(failed), redisLog);
            assertTrue(redisLog.contains("Unexpected EOF reading RDB file"), redisLog);
        }
    }

    /** Starts redis-server on the RDB file in {@code dir}, which must make it exit; returns what it logged. */
    private static String redisStartUpFailure(Path dir) throws Exception {
        Path log = dir.resolve("redis.log");
        Process p = new ProcessBuilder(RealRedis.binary(), "--port", Integer.toString(RealRedis.freePort()),
                "--bind", "127.0.0.1", "--save", "", "--dir", dir.toString(), "--logfile", log.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.out").toFile()).start();
        try {
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "redis-server exits on the file");
        } finally {
            p.destroyForcibly();
        }
        return Files.readString(log);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (hay[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
