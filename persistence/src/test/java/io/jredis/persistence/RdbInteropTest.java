package io.jredis.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.RealRedis;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

/**
 * RDB files cross between jredis and redis-server 7.0.15 in both directions with every key, value, expiry and
 * encoding intact: jredis's file passes redis-check-rdb and loads in Redis; Redis's file loads in jredis.
 */
class RdbInteropTest {
    /** What a server holds after {@link TestData#populate}: every database's contents and every key's encoding. */
    private record Contents(Map<String, String> data, Map<String, String> encodings) {
        static Contents populate(Jedis j) {
            TestData.populate(j);
            return new Contents(Datasets.read(j, 16), TestData.encodings(j));
        }

        void assertHeldBy(Jedis j) {
            assertEquals(data, Datasets.read(j, 16));
            assertEquals(encodings, TestData.encodings(j));
        }
    }

    @ParameterizedTest(name = "rdbcompression and rdbchecksum {0}")
    @ValueSource(strings = {"yes", "no"})
    void jredisFileLoadsInRedis(String compressionAndChecksum, @TempDir Path dir) throws Exception {
        RealRedis.assumeInstalled();
        Contents expected;
        try (PersistentServer s = PersistentServer.start(dir, "rdbcompression", compressionAndChecksum,
                "rdbchecksum", compressionAndChecksum); Jedis j = s.jedis()) {
            expected = Contents.populate(j);
            assertEquals("OK", j.save());
            assertTrue(s.log().contains("DB saved on disk"));
        }
        String check = checkRdb(dir.resolve("dump.rdb"));
        assertTrue(check.contains("\\o/ RDB looks OK! \\o/"), check);
        assertTrue(check.contains("AUX FIELD redis-ver = '7.0.15'"), check);
        assertTrue(check.contains("keys read"), check);
        try (RealRedis r = RealRedis.start("--dir", dir.toString(), "--dbfilename", "dump.rdb");
                Jedis j = new Jedis("127.0.0.1", r.port(), 30_000)) {
            expected.assertHeldBy(j);
        }
    }

    @ParameterizedTest(name = "rdbcompression and rdbchecksum {0}")
    @ValueSource(strings = {"yes", "no"})
    void redisFileLoadsInJredis(String compressionAndChecksum, @TempDir Path dir) throws Exception {
        RealRedis.assumeInstalled();
        Contents expected;
        try (RealRedis r = RealRedis.start("--rdbcompression", compressionAndChecksum, "--rdbchecksum",
                compressionAndChecksum); Jedis j = new Jedis("127.0.0.1", r.port(), 30_000)) {
            expected = Contents.populate(j);
            assertEquals("OK", j.save());
            Files.copy(r.dir().resolve("dump.rdb"), dir.resolve("dump.rdb"));
        }
        try (PersistentServer s = PersistentServer.start(dir); Jedis j = s.jedis()) {
            expected.assertHeldBy(j);
            String log = s.log();
            assertTrue(log.contains("Loading RDB produced by version 7.0.15"), log);
            assertTrue(log.matches("(?s).*Done loading RDB, keys loaded: \\d+, keys expired: 0\\..*"), log);
            assertTrue(log.matches("(?s).*DB loaded from disk: \\d+\\.\\d{3} seconds.*"), log);
            String info = j.info("persistence");
            assertTrue(info.contains("rdb_last_load_keys_loaded:" + expected.data().size()), info);
        }
    }

    @Test
    void expiredKeysAreDroppedWhenLoading(@TempDir Path dir) throws Exception {
        try (PersistentServer s = PersistentServer.start(dir); Jedis j = s.jedis()) {
            // The key must reach the file: a test thread descheduled past its TTL before SAVE would otherwise see
            // the expire cycle delete it first.
            j.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.US_ASCII), "SET-ACTIVE-EXPIRE", "0");
            j.set("stays", "1");
            j.set("goes", "1");
            j.pexpire("goes", 300);
            j.save();
        }
        long deadline = System.currentTimeMillis() + 400;
        while (System.currentTimeMillis() < deadline) {
            LockSupport.parkNanos(5_000_000);
        }
        try (PersistentServer s = PersistentServer.start(dir); Jedis j = s.jedis()) {
            assertEquals("1", j.get("stays"));
            assertFalse(j.exists("goes"));
            assertTrue(s.log().contains("Done loading RDB, keys loaded: 1, keys expired: 1."), s.log());
            assertTrue(j.info("persistence").contains("rdb_last_load_keys_expired:1"));
        }
    }

    /** Runs redis-check-rdb and returns its output (it must exit with 0). */
    static String checkRdb(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("redis-check-rdb", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
