package io.jredis.persistence.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.persistence.BgsaveConsistencyTest;
import io.jredis.persistence.Datasets;
import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

/**
 * BGREWRITEAOF without fork: the new base is the dataset at the rewrite's start although writes keep going while the
 * snapshot walks the keyspace, the writes meanwhile land in the new incr file, and the rewrite and BGSAVE exclude each
 * other with Redis 7.0's replies.
 */
class AofRewriteTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "aof-use-rdb-preamble {0}")
    @ValueSource(strings = {"yes", "no"})
    void writesDuringTheRewriteAreKeptAndTheBaseIsTheStartState(String preamble, @TempDir Path baseOnly)
            throws Exception {
        Map<String, String> atStart;
        Map<String, String> atEnd;
        try (AofServer s = AofServer.start(dir, "appendonly", "yes", "aof-use-rdb-preamble", preamble,
                "rdb-key-save-delay", "2000"); Jedis j = s.jedis()) {
            BgsaveConsistencyTest.populate(j);
            atStart = Datasets.read(j, 16);
            assertEquals("Background append only file rewriting started", j.bgrewriteaof());
            int written = BgsaveConsistencyTest.mutate(j);
            assertEquals("1", AppendOnlyFileTest.info(j, "aof_rewrite_in_progress"),
                    "the writes must overlap the rewrite");
            j.configSet("rdb-key-save-delay", "0");
            awaitRewriteDone(j);
            assertEquals("ok", AppendOnlyFileTest.info(j, "aof_last_bgrewrite_status"));
            for (int i = 0; i < 100; i++) {
                j.incr("after-rewrite");
            }
            atEnd = Datasets.read(j, 16);
            assertNotEquals(atStart, atEnd, written + " writes changed nothing?");
            Await.until("new manifest", 30,
                    () -> manifest().contains(".base." + (preamble.equals("yes") ? "rdb" : "aof")));
        }
        String manifest = manifest();
        List<String> lines = manifest.lines().toList();
        assertEquals(2, lines.size(), manifest);
        assertTrue(lines.get(0).matches("file appendonly\\.aof\\.2\\.base\\.(rdb|aof) seq 2 type b"), manifest);
        assertTrue(lines.get(1).matches("file appendonly\\.aof\\.2\\.incr\\.aof seq 2 type i"), manifest);
        assertEquals(List.of("appendonly.aof.2.base." + (preamble.equals("yes") ? "rdb" : "aof"),
                "appendonly.aof.2.incr.aof", "appendonly.aof.manifest"), files(dir.resolve("appendonlydir")));
        try (Stream<Path> root = Files.list(dir)) {
            assertEquals(List.of(), root.filter(p -> p.getFileName().toString().startsWith("temp-")).toList());
        }
        String base = lines.get(0).split(" ")[1];

        // The base alone is the dataset at the start of the rewrite.
        Path only = Files.createDirectories(baseOnly.resolve("appendonlydir"));
        Files.copy(dir.resolve("appendonlydir").resolve(base), only.resolve(base));
        Files.writeString(only.resolve("appendonly.aof.manifest"), "file " + base + " seq 2 type b\n");
        try (AofServer s = AofServer.start(baseOnly, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals(atStart, Datasets.read(j, 16));
        }
        // Base and incr together are the dataset at the end, in jredis and in Redis.
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals(atEnd, Datasets.read(j, 16));
        }
        if (RealRedis.binary() != null) {
            try (RealRedis r = RealRedis.start("--dir", dir.toString(), "--appendonly", "yes");
                    Jedis j = new Jedis("127.0.0.1", r.port(), 30_000)) {
                assertEquals(atEnd, Datasets.read(j, 16));
            }
        }
    }

    @Test
    void rewriteAndBgsaveExcludeEachOtherAsInRedis() throws Exception {
        try (AofServer s = AofServer.start(dir, "appendonly", "yes", "rdb-key-save-delay", "20000")) {
            exclusion(s.port());
        }
    }

    @Test
    void realRedisAgreesOnTheExclusionReplies() throws Exception {
        RealRedis.assumeInstalled();
        try (RealRedis r = RealRedis.start("--appendonly", "yes", "--rdb-key-save-delay", "20000")) {
            exclusion(r.port());
        }
    }

    @Test
    void appendonlyTurnedOnDuringABgsaveWaitsForIt() throws Exception {
        try (AofServer s = AofServer.start(dir, "rdb-key-save-delay", "20000")) {
            turnOnDuringBgsave(s.port());
        }
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            assertEquals(102, j.dbSize());
            assertEquals("2", j.get("during"));
            assertEquals("3", j.get("after"));
        }
    }

    @Test
    void realRedisAgreesOnTurningAppendonlyOnDuringABgsave() throws Exception {
        RealRedis.assumeInstalled();
        try (RealRedis r = RealRedis.start("--rdb-key-save-delay", "20000")) {
            turnOnDuringBgsave(r.port());
        }
    }

    /** CONFIG SET appendonly yes while a BGSAVE runs: the rewrite making the first base waits for the BGSAVE. */
    /**
     * BGREWRITEAOF with AOF turned off leaves a base only: every incr file becomes history and is removed, as Redis
     * 7.0.15's markRewrittenIncrAofAsHistory (aof-multi-part.tcl 'AOF rewrite doesn't open new aof when AOF turn
     * off'); turned on again, AOF gets a new base and incr file. The manifests are compared with real Redis's.
     */
    @Test
    void rewriteWithAofOffKeepsTheBaseOnlyAsRealRedis(@TempDir Path redisDir) throws Exception {
        List<List<String>> jredis;
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            jredis = offThenOn(j, dir);
        }
        assertEquals(List.of(List.of("file appendonly.aof.2.base.rdb seq 2 type b"),
                List.of("appendonly.aof.2.base.rdb", "appendonly.aof.manifest"),
                List.of("file appendonly.aof.3.base.rdb seq 3 type b", "file appendonly.aof.2.incr.aof seq 2 type i")),
                jredis);
        try (RealRedis r = RealRedis.start("--dir", redisDir.toString(), "--appendonly", "yes");
                Jedis j = new Jedis("127.0.0.1", r.port())) {
            assertEquals(jredis, offThenOn(j, redisDir));
        }
    }

    /** The manifest and files after a rewrite with AOF off, then the manifest once AOF is on again. */
    private static List<List<String>> offThenOn(Jedis j, Path d) throws Exception {
        Path aofDir = d.resolve("appendonlydir");
        j.set("a", "b");
        j.configSet("appendonly", "no");
        j.bgrewriteaof();
        awaitRewriteDone(j);
        Path manifest = aofDir.resolve("appendonly.aof.manifest");
        Await.until("the history removed", 30, () -> {
            try {
                return files(aofDir).size() == 2;
            } catch (IOException e) {
                return false;
            }
        });
        List<String> off = Files.readAllLines(manifest);
        List<String> offFiles = files(aofDir);
        j.configSet("appendonly", "yes");
        awaitRewriteDone(j);
        Await.until("the new incr file", 30, () -> {
            try {
                return Files.readAllLines(manifest).size() == 2;
            } catch (IOException e) {
                return false;
            }
        });
        return List.of(off, offFiles, Files.readAllLines(manifest));
    }

    /**
     * aof-disable-auto-gc yes keeps the files two rewrites retired, listed as history in Redis's order; turning it off
     * removes them and rewrites the manifest before CONFIG SET replies (aof-multi-part.tcl 'AOF enable/disable auto
     * gc'). jredis deleted the history whatever the setting. Compared with real Redis's manifests and files.
     */
    @Test
    void autoGcDisabledKeepsTheHistoryAsRealRedis(@TempDir Path redisDir) throws Exception {
        List<List<String>> jredis;
        try (AofServer s = AofServer.start(dir, "appendonly", "yes"); Jedis j = s.jedis()) {
            jredis = keepThenCollect(j, dir);
        }
        assertEquals(List.of("file appendonly.aof.3.base.rdb seq 3 type b", "file appendonly.aof.2.incr.aof seq 2 type h",
                "file appendonly.aof.2.base.rdb seq 2 type h", "file appendonly.aof.1.incr.aof seq 1 type h",
                "file appendonly.aof.1.base.rdb seq 1 type h", "file appendonly.aof.3.incr.aof seq 3 type i"),
                jredis.get(0));
        try (RealRedis r = RealRedis.start("--dir", redisDir.toString(), "--appendonly", "yes");
                Jedis j = new Jedis("127.0.0.1", r.port())) {
            assertEquals(jredis, keepThenCollect(j, redisDir));
        }
    }

    /** The manifest and files after two rewrites without auto gc, then the manifest and files once it is on. */
    private static List<List<String>> keepThenCollect(Jedis j, Path d) throws Exception {
        Path aofDir = d.resolve("appendonlydir");
        Path manifest = aofDir.resolve("appendonly.aof.manifest");
        j.configSet("aof-disable-auto-gc", "yes");
        j.set("a", "b");
        j.bgrewriteaof();
        awaitRewriteDone(j);
        j.set("c", "d");
        j.bgrewriteaof();
        awaitRewriteDone(j);
        List<String> kept = Files.readAllLines(manifest);
        List<String> keptFiles = files(aofDir);
        j.configSet("aof-disable-auto-gc", "no");
        List<String> collected = Files.readAllLines(manifest);
        Await.until("the history removed", 30, () -> {
            try {
                return files(aofDir).size() == 3;
            } catch (IOException e) {
                return false;
            }
        });
        return List.of(kept, keptFiles, collected, files(aofDir));
    }

    private static void turnOnDuringBgsave(int port) throws Exception {
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            for (int i = 0; i < 100; i++) {
                c.call("SET", "k" + i, "v" + i);
            }
            assertEquals("Background saving started", call(c, "BGSAVE"));
            assertEquals("OK", call(c, "CONFIG", "SET", "appendonly", "yes"));
            assertEquals("1", info(c, "aof_enabled"));
            assertEquals("1", info(c, "aof_rewrite_scheduled"));
            assertEquals("0", info(c, "aof_rewrite_in_progress"));
            assertEquals("OK", call(c, "SET", "during", "1"));
            assertEquals("2", RawClient.text(c.call("INCR", "during")));
            awaitInfo(c, "aof_rewrites", "1");
            assertEquals("OK", call(c, "SET", "after", "3"));
            awaitInfo(c, "aof_rewrite_in_progress", "0");
            assertEquals("ok", info(c, "aof_last_bgrewrite_status"));
            assertEquals("0", info(c, "aof_rewrite_scheduled"));
        }
    }

    /** The same script for jredis and Redis: each child runs about 2 seconds (100 keys of 20 ms). */
    private static void exclusion(int port) throws Exception {
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            for (int i = 0; i < 100; i++) {
                c.call("SET", "k" + i, "v" + i);
            }
            assertEquals("Background append only file rewriting started", call(c, "BGREWRITEAOF"));
            assertEquals("(error) ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE "
                    + "SCHEDULE in order to schedule a BGSAVE whenever possible.", call(c, "BGSAVE"));
            assertEquals("(error) ERR Background append only file rewriting already in progress",
                    call(c, "BGREWRITEAOF"));
            assertEquals("Background saving scheduled", call(c, "BGSAVE", "SCHEDULE"));
            assertEquals("1", info(c, "aof_rewrite_in_progress"));
            assertEquals("0", info(c, "rdb_bgsave_in_progress"));
            assertEquals("OK", call(c, "SET", "during", "rewrite"));

            // The scheduled BGSAVE starts once the rewrite is over.
            awaitInfo(c, "rdb_bgsave_in_progress", "1");
            assertEquals("0", info(c, "aof_rewrite_in_progress"));
            assertEquals("ok", info(c, "aof_last_bgrewrite_status"));
            assertEquals("1", info(c, "aof_rewrites"));
            assertEquals("Background append only file rewriting scheduled", call(c, "BGREWRITEAOF"));
            assertEquals("1", info(c, "aof_rewrite_scheduled"));
            assertEquals("1", info(c, "aof_pending_rewrite"));
            assertEquals("(error) ERR Background save already in progress", call(c, "BGSAVE"));

            // And the scheduled rewrite once the BGSAVE is over.
            awaitInfo(c, "aof_rewrite_in_progress", "1");
            assertEquals("0", info(c, "aof_rewrite_scheduled"));
            assertEquals("0", info(c, "rdb_bgsave_in_progress"));
            assertEquals("ok", info(c, "rdb_last_bgsave_status"));
            assertEquals("2", info(c, "aof_rewrites"));
            awaitInfo(c, "aof_rewrite_in_progress", "0");

            // Inside EXEC a rewrite is only scheduled.
            c.call("MULTI");
            c.call("BGREWRITEAOF");
            assertEquals("[Background append only file rewriting scheduled]", RawClient.text(c.call("EXEC")));
            awaitInfo(c, "aof_rewrites", "3");
            awaitInfo(c, "aof_rewrite_in_progress", "0");
            assertEquals("ok", info(c, "aof_last_bgrewrite_status"));
        }
    }

    private static String call(RawClient c, String... args) throws IOException {
        return RawClient.text(c.call(args));
    }

    private static String info(RawClient c, String field) throws IOException {
        for (String line : call(c, "INFO", "persistence").split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        throw new AssertionError("no " + field + " in INFO");
    }

    private static void awaitInfo(RawClient c, String field, String value) throws IOException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!value.equals(info(c, field))) {
            assertTrue(System.nanoTime() < deadline, field + " never became " + value);
            LockSupport.parkNanos(5_000_000);
        }
    }

    static void awaitRewriteDone(Jedis j) {
        Await.until("the rewrite to finish", 60,
                () -> !"1".equals(AppendOnlyFileTest.info(j, "aof_rewrite_in_progress")));
    }

    private String manifest() {
        try {
            return Files.readString(dir.resolve("appendonlydir").resolve("appendonly.aof.manifest"));
        } catch (IOException e) {
            return "";
        }
    }

    private static List<String> files(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

}
